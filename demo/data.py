"""A realistic demo directory: the 11 cities of 山西省 with real counties, fictional units; the demo accounts."""

# Every demo account's password, as the README documents it (seed_demo refuses production without --force).
DEMO_PASSWORD = "Demo@2025"  # noqa: S105 - the documented demo password

PROVINCE = "山西省总工会"

# city → real counties (two or three each)
CITIES = {
    "太原市": ["小店区", "迎泽区", "杏花岭区"],
    "大同市": ["平城区", "云冈区", "阳高县"],
    "朔州市": ["朔城区", "平鲁区", "怀仁市"],
    "忻州市": ["忻府区", "原平市"],
    "阳泉市": ["城区", "盂县"],
    "吕梁市": ["离石区", "孝义市", "汾阳市"],
    "晋中市": ["榆次区", "介休市", "平遥县"],
    "长治市": ["潞州区", "上党区", "襄垣县"],
    "晋城市": ["城区", "泽州县", "高平市"],
    "临汾市": ["尧都区", "侯马市", "洪洞县"],
    "运城市": ["盐湖区", "永济市", "河津市"],
}

# Fictional enterprises; the county name is prefixed so every full name is unique.
UNIT_SUFFIXES = ["恒安机械制造有限公司", "顺达物流有限公司", "宏远建材有限责任公司"]

# provincial industry union → group enterprise → units (all fictional)
INDUSTRY_UNIONS = {
    "山西省煤炭工会": ("山西晋兴煤业集团有限责任公司工会", ["山西晋兴煤业集团有限责任公司一号煤矿",
                                                      "山西晋兴煤业集团有限责任公司洗选厂"]),
    "山西省化学工业工会": ("山西华泰化工集团有限公司工会", ["山西华泰化工集团有限公司合成氨分厂",
                                                    "山西华泰化工集团有限公司储运分公司"]),
    "山西省电力工会": ("山西晋电能源集团有限公司工会", ["山西晋电能源集团有限公司太原热电厂",
                                                "山西晋电能源集团有限公司输电运检中心"]),
}

# A city-level enterprise placed directly under a city union: it skips the county tier.
CITY_LEVEL_UNITS = {"太原市": ["太原市城市公共交通有限公司"]}


def county_union_name(city: str, county: str) -> str:
    return f"{city}{county}总工会"


def unit_name(city: str, county: str, suffix: str) -> str:
    return f"{city}{county}{suffix}"


# The demo's provincial experts: (account, name, the union they are tied to). An expert never scores an
# entry of their own union, so a panel of `experts_per_entry` needs at least one expert more than that,
# each tied elsewhere; seed_demo makes max(DEMO_EXPERTS, experts_per_entry + 1) of them, in this order.
# 晋中市 comes late on purpose: the browser tests walk an entry from 晋中市 past the first experts.
EXPERTS = [
    ("expert1", "周专家", "太原市总工会"), ("expert2", "吴专家", "大同市总工会"),
    ("expert3", "郑专家", "长治市总工会"), ("expert4", "王专家", "晋城市总工会"),
    ("expert5", "冯专家", "吕梁市总工会"), ("expert6", "陈专家", "运城市总工会"),
    ("expert7", "褚专家", "临汾市总工会"), ("expert8", "卫专家", "忻州市总工会"),
    ("expert9", "蒋专家", "朔州市总工会"), ("expert10", "沈专家", "阳泉市总工会"),
    ("expert11", "韩专家", "晋中市总工会"), ("expert12", "杨专家", "山西省煤炭工会"),
    ("expert13", "朱专家", "山西省化学工业工会"), ("expert14", "秦专家", "山西省电力工会"),
]
DEMO_EXPERTS = 5
