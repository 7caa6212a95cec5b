"""A realistic demo directory: the 11 cities of 山西省 with real counties, fictional units."""

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
