"""Page types of the public site and its editable site settings."""

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.urls import reverse
from django.utils.html import strip_tags
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from website.blocks import RICH_TEXT_FEATURES, ArticleStreamBlock, heading_anchor
from website.generated import GENERATED_CHOICES, GENERATED_FILES
from website.search import han_bigrams


class BigramSearchMixin:
    """Indexes Han bigrams so the database backend can find Chinese words.

    Wagtail's database backend treats a run of Han characters as one token, so
    "义工服务" would only match a page whose text has exactly that run between
    spaces. Indexing every pair of adjacent Han characters, and searching the
    query's pairs with AND, finds any Chinese word of two characters or more.
    """

    def get_search_text(self):
        """Plain text of the page for search and result snippets."""
        return self.title

    def search_bigrams(self):
        return han_bigrams(self.get_search_text())


def stream_text(stream):
    """Plain text of a StreamField, for search and snippets."""
    parts = []
    for block in stream:
        value = block.value
        if block.block_type == "heading":
            parts.append(value["text"])
        elif block.block_type == "paragraph":
            parts.append(strip_tags(value.source))
        elif block.block_type == "table":
            for row in (value or {}).get("data") or []:
                parts.append(" ".join(cell or "" for cell in row))
        elif block.block_type == "steps":
            parts.append(value["title"])
            parts.extend(f"{step['title']} {step['detail']}" for step in value["steps"])
            if value["note"]:
                parts.append(strip_tags(value["note"].source))
        elif block.block_type == "participants":
            parts.append("参与单位：" + "、".join([value["lead"], *value["others"]]))
        elif block.block_type == "document" and value:
            parts.append(value.title)
    return "\n".join(part for part in parts if part)


BIGRAM_SEARCH_FIELDS = [index.SearchField("search_bigrams")]


class HomePage(BigramSearchMixin, Page):
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES, verbose_name="导语")

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + BIGRAM_SEARCH_FIELDS

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "website.NoticePage",
        "website.ArticlePage",
        "website.DownloadsPage",
        "website.NewsIndexPage",
        "forms_pages.RegistrationFormPage",
        "forms_pages.ApplicationFormPage",
        "activities.ActivityIndexPage",
        "activities.CommitmentIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "首页"

    def get_search_text(self):
        return f"{self.title}\n{strip_tags(self.intro)}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["notices"] = (
            NoticePage.objects.live()
            .public()
            .descendant_of(self)
            .order_by("-date")[:10]
        )
        context["latest_news"] = (
            NewsPage.objects.live().public().descendant_of(self).order_by("-date")[:5]
        )
        context["sections"] = self.get_children().live().public().in_menu()
        return context


class NoticePage(BigramSearchMixin, Page):
    """An official notice (通知), e.g. 台组〔2012〕124号."""

    document_number = models.CharField(
        "文号", max_length=64, blank=True, help_text="例如：台组〔2012〕124号"
    )
    date = models.DateField("成文日期")
    recipients = models.TextField("主送", blank=True)
    body = RichTextField("正文", features=RICH_TEXT_FEATURES)
    body_note = models.CharField(
        "正文说明", max_length=64, blank=True, help_text="例如：（此页无正文）"
    )

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("document_number"), FieldPanel("date")], heading="文件信息"
        ),
        InlinePanel("issuers", label="发文机关", min_num=1),
        FieldPanel("recipients"),
        FieldPanel("body"),
        FieldPanel("body_note"),
        InlinePanel("attachments", label="附件"),
    ]
    search_fields = (
        Page.search_fields
        + BIGRAM_SEARCH_FIELDS
        + [
            index.SearchField("document_number"),
            index.FilterField("date"),
        ]
    )

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.ArticlePage"]

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"

    def get_search_text(self):
        issuers = " ".join(issuer.name for issuer in self.issuers.all())
        return "\n".join(
            [
                self.title,
                self.document_number,
                issuers,
                self.recipients,
                strip_tags(self.body),
            ]
        )


class NoticeIssuer(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="issuers")
    name = models.CharField("发文机关", max_length=100)

    panels = [FieldPanel("name")]

    class Meta(Orderable.Meta):
        verbose_name = "发文机关"
        verbose_name_plural = "发文机关"

    def __str__(self):
        return self.name


def optional_link(to, verbose_name):
    """A link to a page or document that goes blank, not away, when its target is deleted."""
    return models.ForeignKey(
        to,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class NoticeAttachment(Orderable):
    """An item of the notice's 附件 list: a page on the site or a document."""

    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField("附件名称", max_length=200)
    linked_page = optional_link("wagtailcore.Page", "链接页面")
    document = optional_link("wagtaildocs.Document", "文件")

    panels = [FieldPanel("title"), FieldPanel("linked_page"), FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"

    def __str__(self):
        return self.title

    def clean(self):
        if self.linked_page_id and self.document_id:
            raise ValidationError("附件只能链接一个页面或一个文件，请二选一。")

    @property
    def url(self):
        if self.linked_page_id:
            return self.linked_page.url
        if self.document_id:
            return self.document.url
        return ""


class ArticlePage(BigramSearchMixin, Page):
    """Long policy text with an automatic table of contents."""

    subtitle = models.CharField("副标题", max_length=200, blank=True)
    intro = RichTextField("导语", blank=True, features=RICH_TEXT_FEATURES)
    body = StreamField(ArticleStreamBlock(), verbose_name="正文")

    content_panels = Page.content_panels + [
        FieldPanel("subtitle"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + BIGRAM_SEARCH_FIELDS

    parent_page_types = [
        "website.HomePage",
        "website.NoticePage",
        "website.ArticlePage",
    ]
    subpage_types = ["website.ArticlePage"]

    class Meta:
        verbose_name = "文章（政策文本）"
        verbose_name_plural = "文章（政策文本）"

    def get_search_text(self):
        return "\n".join(
            [self.title, self.subtitle, strip_tags(self.intro), stream_text(self.body)]
        )

    def table_of_contents(self):
        """Headings of the body in order, with their anchors."""
        return [
            {
                "text": block.value["text"],
                "level": block.value["level"],
                "anchor": heading_anchor(block.value["text"], position),
            }
            for position, block in enumerate(self.body)
            if block.block_type == "heading"
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["toc"] = self.table_of_contents()
        return context


class DownloadsPage(BigramSearchMixin, Page):
    """表格下载: documents grouped by category."""

    intro = RichTextField("导语", blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("items", label="下载项"),
    ]
    search_fields = Page.search_fields + BIGRAM_SEARCH_FIELDS

    parent_page_types = ["website.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = "表格下载"
        verbose_name_plural = "表格下载"

    def get_search_text(self):
        items = " ".join(
            f"{item.title} {item.description}" for item in self.items.all()
        )
        return f"{self.title}\n{strip_tags(self.intro)}\n{items}"

    def grouped_items(self):
        """Items grouped by category, categories in the order they first appear."""
        groups = {}
        for item in self.items.select_related("document", "linked_page"):
            groups.setdefault(item.category, []).append(item)
        return list(groups.items())


class DownloadItem(Orderable):
    page = ParentalKey(DownloadsPage, on_delete=models.CASCADE, related_name="items")
    category = models.CharField("分类", max_length=50)
    title = models.CharField("名称", max_length=200)
    description = models.CharField("说明", max_length=300, blank=True)
    document = optional_link("wagtaildocs.Document", "文件")
    generated = models.CharField(
        "系统生成的表格",
        max_length=30,
        choices=GENERATED_CHOICES,
        blank=True,
        help_text="由系统按最新表格样式生成的空白表格，无需上传文件",
    )
    linked_page = optional_link("wagtailcore.Page", "在线填写页面")

    panels = [
        FieldPanel("category"),
        FieldPanel("title"),
        FieldPanel("description"),
        FieldPanel("generated"),
        FieldPanel("document"),
        FieldPanel("linked_page"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "下载项"
        verbose_name_plural = "下载项"

    def __str__(self):
        return self.title

    def clean(self):
        if self.generated and self.document_id:
            raise ValidationError("请在“系统生成的表格”和“文件”中二选一。")

    @property
    def generated_url(self):
        return (
            reverse("generated_file", args=(self.generated,)) if self.generated else ""
        )

    @property
    def generated_extension(self):
        return GENERATED_FILES[self.generated].extension if self.generated else ""


class NewsIndexPage(BigramSearchMixin, Page):
    """工作简报: the list of news, newest first, paginated."""

    intro = RichTextField("导语", blank=True, features=RICH_TEXT_FEATURES)
    per_page = 10

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + BIGRAM_SEARCH_FIELDS

    parent_page_types = ["website.HomePage"]
    subpage_types = ["website.NewsPage"]

    class Meta:
        verbose_name = "工作简报栏目"
        verbose_name_plural = "工作简报栏目"

    def get_search_text(self):
        return f"{self.title}\n{strip_tags(self.intro)}"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().public().child_of(self).order_by("-date", "-pk")
        paginator = Paginator(news, self.per_page)
        try:
            context["news_page"] = paginator.page(request.GET.get("page", 1))
        except PageNotAnInteger:
            context["news_page"] = paginator.page(1)
        except EmptyPage:
            context["news_page"] = paginator.page(paginator.num_pages)
        return context


class NewsPage(BigramSearchMixin, Page):
    date = models.DateField("日期")
    summary = models.TextField("摘要", blank=True)
    body = RichTextField("正文", features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = (
        Page.search_fields + BIGRAM_SEARCH_FIELDS + [index.FilterField("date")]
    )

    parent_page_types = ["website.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "工作简报"
        verbose_name_plural = "工作简报"

    def get_search_text(self):
        return f"{self.title}\n{self.summary}\n{strip_tags(self.body)}"


@register_setting(icon="site")
class ContactSettings(BaseSiteSetting):
    organisation = models.CharField("单位名称", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    website = models.URLField("网址", blank=True)
    footer_text = models.TextField("页脚文字", blank=True)

    class Meta:
        verbose_name = "联系方式与页脚"
