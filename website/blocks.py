"""StreamField blocks for long policy text (实施方案 and similar)."""

from django.utils.text import slugify
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


def heading_anchor(text, index):
    """A stable, readable anchor for a heading; Han text slugifies to nothing."""
    slug = slugify(text, allow_unicode=True)
    return slug or f"section-{index}"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="标题文字")
    level = blocks.ChoiceBlock(
        choices=[("h2", "一级标题"), ("h3", "二级标题")],
        default="h2",
        label="级别",
    )

    class Meta:
        icon = "title"
        label = "标题"
        template = "blocks/heading_block.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="步骤")
    detail = blocks.TextBlock(required=False, label="说明")


class StepListBlock(blocks.StructBlock):
    title = blocks.CharBlock(required=False, label="流程名称")
    steps = blocks.ListBlock(StepBlock(), label="步骤（按顺序）")
    note = blocks.RichTextBlock(
        required=False, features=RICH_TEXT_FEATURES, label="备注"
    )

    class Meta:
        icon = "list-ol"
        label = "流程步骤"
        template = "blocks/step_list_block.html"


class ParticipantsBlock(blocks.StructBlock):
    """参与单位 of an action, the lead unit first."""

    lead = blocks.CharBlock(label="牵头单位")
    others = blocks.ListBlock(blocks.CharBlock(label="单位"), label="其他参与单位")

    class Meta:
        icon = "group"
        label = "参与单位"
        template = "blocks/participants_block.html"


class ArticleStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, label="正文", icon="pilcrow"
    )
    table = TableBlock(label="表格")
    steps = StepListBlock()
    participants = ParticipantsBlock()
    document = DocumentChooserBlock(label="文件", icon="doc-full")
