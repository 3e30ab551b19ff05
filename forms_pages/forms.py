"""The fixed forms of the public pages: 附件3 (a registration) and 附件2 (an application).

Each form checks what a field alone can say (required marks, types, uploads,
the 其它 texts) and leaves the record check to the registry service it is
submitted through (Volunteer.clean / OrgApplication.clean via full_clean, the
duplicate ID message naming the holding team), whose ValidationError is put
back beside the fields by ``add_service_error``.
"""

import io

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.forms.models import construct_instance
from PIL import Image, ImageOps

from registry import policy, privacy, selectors, services
from registry.choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS, Gender
from registry.fields import AvailabilityField
from registry.models import (
    ExpectedServiceArea,
    OrgApplication,
    OrgNode,
    ServiceCategory,
    ServiceItem,
    TargetGroup,
    Volunteer,
)
from registry.models.applications import PERSON_FIELDS, UNIT_FIELDS
from registry.pks import PKChoiceMixin
from registry.validators import normalize_phone, validate_mobile, validate_postcode
from rosters.reading import FileRejected

from .services import check_roster

MB = 1024 * 1024
PHOTO_MAX_BYTES = 2 * MB
UPLOAD_MAX_BYTES = 5 * MB
# 25 × 35 mm, the 一寸 photo of the paper form.
PHOTO_ASPECT = 25 / 35
PHOTO_MAX_HEIGHT = 700
ROSTER_ERRORS_SHOWN = 20
# File types told by their first bytes, never by the name or the browser's word.
SIGNATURES = {
    "PDF": (b"%PDF-",),
    "JPEG": (b"\xff\xd8\xff",),
    "PNG": (b"\x89PNG\r\n\x1a\n",),
    "XLSX": (b"PK\x03\x04",),
}
OTHER_NAMES = {"其它", "其他"}
PARENT_KINDS = (OrgNode.Kind.FEDERATION, OrgNode.Kind.BRANCH, OrgNode.Kind.CORPS)


class HoneypotMixin(forms.Form):
    """A text input people never see (hidden by CSS), which bots fill in."""

    website_url = forms.CharField(
        label="请勿填写此项",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_website_url(self):
        if self.cleaned_data["website_url"]:
            raise ValidationError("提交未通过检查，请刷新页面后重新填写")
        return ""


class ServiceCheckedForm(HoneypotMixin, forms.ModelForm):
    """A model form whose record check is the registry service's, run once on submit."""

    # Service error keys that are named differently on the form.
    field_aliases = {}
    # Optional on the record, required on the paper form (marked *).
    required_fields = ()
    # ID numbers shown masked when revising a stored record; blank keeps them.
    write_only_fields = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].required = True
        if self.instance.pk:
            for name in self.write_only_fields:
                self.fields[name].required = False
                self.fields[name].help_text = (
                    f"当前号码：{privacy.mask_id_number(getattr(self.instance, name))}。"
                    "需要更正时请输入完整的新号码；留空则保持不变"
                )
                self.initial[name] = ""

    def clean(self):
        cleaned = super().clean()
        for name in self.write_only_fields:
            if self.instance.pk and not cleaned.get(name):
                cleaned[name] = getattr(self.instance, name)
        return cleaned

    def _post_clean(self):
        # Only fill the instance: the service runs full_clean with the messages
        # the applicant needs (a duplicate ID names the team that holds it).
        try:
            self.instance = construct_instance(
                self, self.instance, self._meta.fields, self._meta.exclude
            )
        except ValidationError as error:
            self._update_errors(error)

    def add_service_error(self, error):
        if isinstance(error, PermissionDenied):
            self.add_error(None, str(error) or "您没有执行此操作的权限")
            return
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.error_dict.items():
            field = self.field_aliases.get(field, field)
            self.add_error(field if field in self.fields else None, messages)


def checked_upload(upload, kinds, max_bytes):
    """``upload`` if its content is one of ``kinds`` (SIGNATURES) and small enough."""
    if not isinstance(upload, UploadedFile):
        return upload  # nothing new: the stored file stays
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件过大（{upload.size / MB:.1f} MB），最大 {max_bytes // MB} MB"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(sig) for kind in kinds for sig in SIGNATURES[kind]):
        raise ValidationError(f"文件类型不符：只接受 {'、'.join(kinds)} 文件")
    return upload


def processed_photo(upload):
    """The photo as a clean JPEG: upright, metadata dropped, cropped to 25:35."""
    checked_upload(upload, ("JPEG", "PNG"), PHOTO_MAX_BYTES)
    try:
        with Image.open(upload) as probe:
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (OSError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError("照片无法打开，请上传完好的 JPEG 或 PNG 图片") from None
    image = ImageOps.exif_transpose(image).convert("RGB")
    width, height = image.size
    if width / height > PHOTO_ASPECT:
        crop = round(height * PHOTO_ASPECT)
        box = ((width - crop) // 2, 0, (width - crop) // 2 + crop, height)
    else:
        crop = round(width / PHOTO_ASPECT)
        box = (0, (height - crop) // 2, width, (height - crop) // 2 + crop)
    image = image.crop(box)
    if image.height > PHOTO_MAX_HEIGHT:
        image = image.resize(
            (round(PHOTO_MAX_HEIGHT * PHOTO_ASPECT), PHOTO_MAX_HEIGHT),
            Image.Resampling.LANCZOS,
        )
    output = io.BytesIO()
    # A fresh image carries no EXIF, GPS or ICC data from the original.
    image.save(output, "JPEG", quality=88, optimize=True)
    return ContentFile(output.getvalue(), name="photo.jpg")


def require_other_text(form, choice_field, text_field):
    """The 其它/其他 box of ``choice_field`` needs its text in ``text_field``."""
    chosen = form.cleaned_data.get(choice_field) or ()
    if (
        any(str(choice.name) in OTHER_NAMES for choice in chosen)
        and not (form.cleaned_data.get(text_field) or "").strip()
    ):
        form.add_error(text_field, "勾选了“其它”，请填写具体内容")


def clean_mobile(value):
    value = normalize_phone(value)
    if value:
        validate_mobile(value)
    return value


class NodeField(PKChoiceMixin, forms.ModelChoiceField):
    """A node chosen from a select whose options the form builds (grouped or indented)."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=OrgNode.objects.none(),
            error_messages={"invalid_choice": "所选组织不可选，请重新选择"},
            **kwargs,
        )


def open_nodes(kinds):
    return (
        OrgNode.objects.filter(kind__in=kinds)
        .exclude(status=OrgNode.Status.DISSOLVED)
        .order_by("path")
    )


def grouped_team_choices(nodes):
    """Teams grouped under the path of the corps/branch above them, subteams as "队 / 分队"."""
    nodes = list(nodes)
    paths = {p for node in nodes for p in selectors.ancestor_paths(node.path)}
    rows = OrgNode.objects.filter(path__in=paths).values_list("path", "name", "kind")
    names = {path: name for path, name, _kind in rows}
    is_team = {path: kind in services.REGISTRATION_KINDS for path, _name, kind in rows}
    groups = {}
    for node in nodes:
        above = selectors.ancestor_paths(node.path)
        group = " / ".join(names[p] for p in above if not is_team[p])
        label = " / ".join(names[p] for p in above if is_team[p])
        groups.setdefault(group, []).append((node.pk, label))
    return [("", "请选择要加入的队伍"), *groups.items()]


class RegistrationForm(ServiceCheckedForm):
    """台山市义工注册登记表 (附件3)."""

    node = NodeField(label="申请加入的队伍")
    availability = AvailabilityField(label="可提供服务时间", required=False)
    # A choice, not a NullBooleanField: that one never says "required".
    long_term = forms.TypedChoiceField(
        label="是否愿意长期服务",
        choices=[("True", "是"), ("False", "否")],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )
    donate_money = forms.BooleanField(label="资金", required=False)
    donate_goods = forms.BooleanField(label="物品", required=False)
    service_items = forms.ModelMultipleChoiceField(
        label="义工服务项目",
        queryset=ServiceItem.objects.select_related("category"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # A plain file field: processed_photo checks size, type and content itself,
    # in that order, with its own messages.
    photo = forms.FileField(
        label="照片",
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png", "data-photo-input": ""}
        ),
    )
    oath = forms.BooleanField(
        label="我已阅读并愿意遵守义工誓词",
        error_messages={"required": "请阅读义工誓词并勾选同意后再提交"},
    )

    field_aliases = {"org_node": "node"}
    # The * of the paper 附件3 (性别 and 出生年月 come from the ID number; QQ/MSN,
    # starred in 2012, is left optional: MSN is gone and not everyone has QQ).
    required_fields = (
        "id_number",
        "mobile",
        "ethnicity",
        "political_status",
        "employer",
        "address",
        "availability",
        "long_term",
    )
    write_only_fields = ("id_number",)

    class Meta:
        model = Volunteer
        fields = [
            "name",
            "id_number",
            "ethnicity",
            "political_status",
            "joined_party_on",
            "full_member_on",
            "education",
            "major",
            "occupation",
            "school",
            "graduated_on",
            "employer",
            "job_title",
            "address",
            "postcode",
            "phone_home",
            "phone_office",
            "mobile",
            "qq_msn",
            "nickname",
            "email",
            "availability",
            "availability_note",
            "long_term",
            "info_source",
            "hobbies",
            "experience",
            "motivation",
            "service_items",
            "service_items_other",
            "donate_money",
            "donate_goods",
            "photo",
        ]
        widgets = {
            "joined_party_on": forms.DateInput(attrs={"type": "date"}),
            "full_member_on": forms.DateInput(attrs={"type": "date"}),
            "graduated_on": forms.DateInput(attrs={"type": "date"}),
            "id_number": forms.TextInput(
                attrs={"data-id-number": "", "autocomplete": "off"}
            ),
            "mobile": forms.TextInput(attrs={"inputmode": "tel"}),
            "info_source": forms.RadioSelect,
            "hobbies": forms.Textarea(attrs={"rows": 3}),
            "experience": forms.Textarea(attrs={"rows": 3}),
            "motivation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["info_source"].choices = self.fields["info_source"].choices[1:]
        node = self.fields["node"]
        node.queryset = teams
        node.widget.choices = grouped_team_choices(teams)
        if self.instance.pk and self.instance.org_node_id:
            self.initial.setdefault("node", self.instance.org_node_id)
        items = self.fields["service_items"]
        items.widget.choices = [
            (category.name, [(item.pk, item.name) for item in category.items.all()])
            for category in ServiceCategory.objects.prefetch_related("items")
        ]

    def availability_rows(self):
        """The grid's checkboxes by day, for the template's table."""
        boxes = list(self["availability"])
        width = len(AVAILABILITY_SLOTS)
        return [
            (label, boxes[row * width : (row + 1) * width])
            for row, (_day, label) in enumerate(AVAILABILITY_DAYS)
        ]

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return processed_photo(photo) if isinstance(photo, UploadedFile) else photo

    def clean(self):
        cleaned = super().clean()
        require_other_text(self, "service_items", "service_items_other")
        return cleaned


def person_fields(prefix, *, email_required=False):
    """A 附件2 person section (PERSON_FIELDS) as form fields named ``prefix_key``."""
    fields = {}
    for key, label in PERSON_FIELDS:
        if key == "gender":
            # Stored as printed on 附件2: 男/女.
            field = forms.ChoiceField(
                label=label,
                choices=[(label, label) for _code, label in Gender.choices],
                required=False,
                widget=forms.RadioSelect,
            )
        elif key == "birth_date":
            field = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
        elif key == "email":
            field = forms.EmailField(label=label, required=email_required)
        elif key == "postcode":
            field = forms.CharField(
                label=label, required=False, validators=[validate_postcode]
            )
        else:
            field = forms.CharField(
                label=label, required=key in ("name", "mobile"), max_length=100
            )
        fields[f"{prefix}_{key}"] = field
    return fields


PERSONS = (("leader", "组织负责人资料"), ("contact", "联系人基本资料"))


class ApplicationForm(ServiceCheckedForm):
    """台山市党员义工联成立义工组织申请表 (附件2)."""

    parent = NodeField(label="拟所属上级组织")
    target_groups = forms.ModelMultipleChoiceField(
        label="拟服务人群",
        queryset=TargetGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    expected_services = forms.ModelMultipleChoiceField(
        label="期望参与的服务项目",
        queryset=ExpectedServiceArea.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    write_only_fields = ("leader_id_number", "contact_id_number")
    upload_kinds = {
        "party_org_profile": ("PDF", "JPEG", "PNG"),
        "license_copy": ("PDF", "JPEG", "PNG"),
        "id_copies": ("PDF", "JPEG", "PNG"),
        "roster": ("XLSX",),
    }

    class Meta:
        model = OrgApplication
        fields = [
            *UNIT_FIELDS,
            "parent",
            "org_type",
            "proposed_name",
            "registered_count",
            "leader_id_number",
            "contact_id_number",
            "target_groups",
            "target_groups_other",
            "expected_services",
            "expected_services_other",
            "experience",
            "party_org_profile",
            "license_copy",
            "id_copies",
            "roster",
        ]
        labels = {"leader_id_number": "身份证号码", "contact_id_number": "身份证号码"}
        widgets = {
            "org_type": forms.RadioSelect,
            "experience": forms.Textarea(attrs={"rows": 4}),
            "party_org_profile": forms.ClearableFileInput(
                attrs={"accept": ".pdf,image/jpeg,image/png"}
            ),
            "license_copy": forms.ClearableFileInput(
                attrs={"accept": ".pdf,image/jpeg,image/png"}
            ),
            "id_copies": forms.ClearableFileInput(
                attrs={"accept": ".pdf,image/jpeg,image/png"}
            ),
            "roster": forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(person_fields("leader"))
        self.fields.update(person_fields("contact", email_required=True))
        self.user = user
        self.roster_rows = self.instance.roster_rows
        self.fields["roster"].required = not self.instance.roster
        self.fields["org_type"].choices = self.fields["org_type"].choices[1:]
        parents = open_nodes(PARENT_KINDS)
        parent = self.fields["parent"]
        parent.queryset = parents
        parent.widget.choices = [("", "请选择上级组织")] + [
            (pk, "　" * (depth - 1) + name)
            for pk, depth, name in parents.values_list("pk", "depth", "name")
        ]
        for prefix, _heading in PERSONS:
            person = getattr(self.instance, prefix) or {}
            for key, _label in PERSON_FIELDS:
                self.initial.setdefault(f"{prefix}_{key}", person.get(key, ""))

    def unit_section(self):
        """The 申请单位 block of 附件2, as on the paper form."""
        return [self[name] for name in UNIT_FIELDS]

    def person_sections(self):
        """(heading, bound fields) of the leader and contact sections, ID last."""
        return [
            (
                heading,
                [self[f"{prefix}_{key}"] for key, _label in PERSON_FIELDS]
                + [self[f"{prefix}_id_number"]],
            )
            for prefix, heading in PERSONS
        ]

    def clean_leader_mobile(self):
        return clean_mobile(self.cleaned_data["leader_mobile"])

    def clean_contact_mobile(self):
        return clean_mobile(self.cleaned_data["contact_mobile"])

    def _clean_upload(self, name):
        return checked_upload(
            self.cleaned_data.get(name), self.upload_kinds[name], UPLOAD_MAX_BYTES
        )

    def clean_party_org_profile(self):
        return self._clean_upload("party_org_profile")

    def clean_license_copy(self):
        return self._clean_upload("license_copy")

    def clean_id_copies(self):
        return self._clean_upload("id_copies")

    def clean_roster(self):
        return self._clean_upload("roster")

    def clean(self):
        cleaned = super().clean()
        require_other_text(self, "target_groups", "target_groups_other")
        require_other_text(self, "expected_services", "expected_services_other")
        for prefix, _heading in PERSONS:
            person = {
                key: cleaned.get(f"{prefix}_{key}") or ""
                for key, _label in PERSON_FIELDS
            }
            if person["birth_date"]:
                person["birth_date"] = person["birth_date"].isoformat()
            setattr(self.instance, prefix, person)
        roster = cleaned.get("roster")
        if isinstance(roster, UploadedFile) and "roster" not in self.errors:
            self._check_roster(roster, cleaned)
        return cleaned

    def _check_roster(self, roster, cleaned):
        unsaved = OrgApplication(
            proposed_name=cleaned.get("proposed_name") or "",
            org_type=cleaned.get("org_type") or OrgNode.Kind.TEAM,
        )
        try:
            result = check_roster(roster, application=unsaved, user=self.user)
        except FileRejected as error:
            self.add_error("roster", f"名册无法读取：{error}")
            return
        if result.failed:
            self.add_error(
                "roster",
                [
                    f"第{error['row']}行 {error['column']}：{error['message']}"
                    for error in result.errors[:ROSTER_ERRORS_SHOWN]
                ]
                + (
                    [f"……共 {result.error_total} 处问题，请修改名册后重新上传"]
                    if result.error_total > ROSTER_ERRORS_SHOWN
                    else ["请修改名册后重新上传"]
                ),
            )
            return
        self.roster_rows = result.total


def registration_teams(user):
    """The teams a registration may name, and whether ``user`` files it for them.

    A signed-in user who may register volunteers fills the form for members of
    their own teams (the service checks that right again); anyone else
    registers themselves into any open team.
    """
    teams = open_nodes(services.REGISTRATION_KINDS)
    if user is not None and user.is_authenticated:
        own = teams.filter(
            pk__in=policy.nodes_where(user, "register_volunteers").values("pk")
        )
        if own.exists():
            return own, user
    return teams, None
