"""Code lists used by the volunteer record (附件3 台山市义工注册登记表)."""

from django.db import models

# GB/T 3304 民族名称的罗马字母拼写法和代码 (numeric codes 01–56, 97, 98).
_ETHNIC_GROUPS = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 "
    "景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 "
    "普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
ETHNICITY_CHOICES = [
    *((f"{number:02d}", name) for number, name in enumerate(_ETHNIC_GROUPS, start=1)),
    ("97", "其他"),
    ("98", "外国血统中国籍人士"),
]


class PoliticalStatus(models.TextChoices):
    """GB/T 4762 政治面貌代码, with the short names forms use."""

    CPC_MEMBER = "01", "中共党员"
    CPC_PROBATIONARY = "02", "中共预备党员"
    CYL_MEMBER = "03", "共青团员"
    RCCK = "04", "民革党员"
    CDL = "05", "民盟盟员"
    CNDCA = "06", "民建会员"
    CAPD = "07", "民进会员"
    CPWDP = "08", "农工党党员"
    CZGP = "09", "致公党党员"
    JIUSAN = "10", "九三学社社员"
    TDSGL = "11", "台盟盟员"
    NON_PARTISAN = "12", "无党派人士"
    MASSES = "13", "群众"


PARTY_MEMBER_STATUSES = frozenset(
    {PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY}
)


class Education(models.TextChoices):
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    SECONDARY_VOCATIONAL = "vocational", "中专"
    JUNIOR_COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


class Gender(models.TextChoices):
    # Same letters as registry.idnumber derives from the ID number.
    MALE = "M", "男"
    FEMALE = "F", "女"


class InfoSource(models.TextChoices):
    REFERRAL = "referral", "义工介绍"
    INTERNET = "internet", "网络信息"
    PUBLICITY = "publicity", "宣传资料"
    OTHER = "other", "其他"


# 可提供服务时间: the grid of 附件3, stored as {day: [slot, ...]}.
AVAILABILITY_DAYS = [
    ("mon", "周一"),
    ("tue", "周二"),
    ("wed", "周三"),
    ("thu", "周四"),
    ("fri", "周五"),
    ("sat", "周六"),
    ("sun", "周日"),
    ("holiday", "节假日"),
]
AVAILABILITY_SLOTS = [("am", "上午"), ("pm", "下午"), ("eve", "晚上")]
