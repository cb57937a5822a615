"""Word lists the scanner matches: brands, products, service and claim words, warnings, and a 繁→简 fold.

These are data, kept apart from the logic so they can be reviewed and extended
without touching the scoring. Brands are smart-lock and home-appliance makers
sold in mainland China, each with its common aliases (English names included);
the scanner also finds brands that are not listed here, from the word written
right before a product name (索立捷智能锁 → 索立捷), so this list raises
precision rather than limiting recall.

The traditional → simplified fold covers the characters of these lists only
(many fake pages are served in 繁體), one character for one character so that
evidence spans still index the original text.

>>> canonical_brand("Kaadas"), canonical_brand("西门子")
('凯迪仕', '西门子')
>>> to_simplified("威能壁掛爐咨詢電話")
'威能壁挂炉咨询电话'
"""

from __future__ import annotations

import re

# canonical name: aliases (the canonical name is always an alias of itself)
BRANDS: dict[str, tuple[str, ...]] = {
    # smart locks
    "凯迪仕": ("Kaadas", "KAADAS"),
    "德施曼": ("Dessmann", "DESSMANN"),
    "鹿客": ("Loock", "LOOCK"),
    "云丁": ("Dding",),
    "耶鲁": ("Yale", "YALE"),
    "萤石": ("EZVIZ",),
    "王力": ("王力安防",),
    "亚太天能": (),
    "汇泰龙": (),
    "顶固": (),
    "玥玛": (),
    "必达": ("Bida",),
    "好太太": (),
    "创米": (),
    "果加": (),
    "金指码": (),
    "盼盼": (),
    "雅洁": (),
    "固力": (),
    "Lockly": (),
    # kitchen, heating and water heaters
    "方太": ("FOTILE",),
    "老板": ("老板电器", "Robam", "ROBAM"),
    "华帝": ("Vatti", "VATTI"),
    "万和": ("Vanward",),
    "万家乐": ("Macro",),
    "樱花": ("Sakura",),
    "樱雪": (),
    "能率": ("NORITZ", "Noritz"),
    "林内": ("Rinnai", "RINNAI"),
    "A.O.史密斯": ("史密斯", "AO史密斯", "A.O.Smith"),
    "阿里斯顿": ("Ariston", "ARISTON"),
    "威能": ("Vaillant", "VAILLANT"),
    "菲斯曼": ("Viessmann", "VIESSMANN"),
    "博世": ("Bosch", "BOSCH"),
    "西门子": ("Siemens", "SIEMENS"),
    "德地氏": (),
    "海顿": (),
    "依玛": ("Immergas",),
    "贝雷塔": ("Beretta",),
    "八喜": ("Baxi", "BAXI"),
    "小松鼠": (),
    "庆东": ("Kyungdong", "庆东纳碧安"),
    "纳碧安": ("Navien",),
    "火星人": (),
    "美大": (),
    "森歌": (),
    "亿田": (),
    "帅丰": (),
    "浙江帅康": ("帅康",),
    "奥帅": (),
    "奥米康": (),
    "金帝": (),
    "凯度": (),
    "德意": (),
    "前锋": (),
    "迅达": (),
    "百得": (),
    "菲尔普森": (),
    "四季沐歌": (),
    "太阳雨": (),
    "皇明": (),
    "力诺瑞特": (),
    "海德": (),
    "纽恩泰": (),
    "芬尼": (),
    "德业": (),
    # large appliances
    "海尔": ("Haier", "HAIER", "卡萨帝", "统帅"),
    "美的": ("Midea", "MIDEA", "小天鹅", "华凌", "COLMO"),
    "格力": ("Gree", "GREE", "大松"),
    "海信": ("Hisense", "HISENSE", "科龙"),
    "容声": ("Ronshen",),
    "TCL": ("tcl",),
    "创维": ("Skyworth", "SKYWORTH"),
    "长虹": ("Changhong",),
    "美菱": ("Meiling",),
    "康佳": ("Konka", "KONKA"),
    "志高": ("Chigo",),
    "奥克斯": ("AUX",),
    "格兰仕": ("Galanz", "GALANZ"),
    "惠而浦": ("Whirlpool",),
    "松下": ("Panasonic", "PANASONIC"),
    "三星": ("Samsung", "SAMSUNG"),
    "LG": (),
    "索尼": ("Sony", "SONY"),
    "夏普": ("Sharp", "SHARP"),
    "东芝": ("Toshiba", "TOSHIBA"),
    "日立": ("Hitachi", "HITACHI"),
    "大金": ("Daikin", "DAIKIN"),
    "三菱": ("Mitsubishi",),
    "约克": ("York", "YORK"),
    "开利": ("Carrier",),
    "飞利浦": ("Philips", "PHILIPS"),
    "伊莱克斯": ("Electrolux",),
    "博西": (),
    "松氏": (),
    "澳柯玛": ("Aucma",),
    "新飞": ("Frestec",),
    "小米": ("Xiaomi", "米家"),
    "华为": ("Huawei", "HUAWEI"),
    "春兰": (),
    "沁园": (),
    "安吉尔": ("Angel",),
    "3M": (),
    "戴森": ("Dyson", "dyson"),
    "科沃斯": ("Ecovacs",),
    "九阳": ("Joyoung",),
    "苏泊尔": ("Supor",),
    "佳美": (),
}

# Brands that are also everyday words (老板 "boss", 美的 in 完美的): they count only when a
# product or service word follows them.
COMMON_WORD_BRANDS = frozenset(
    {"老板", "美的", "前锋", "迅达", "海德", "德意", "百得", "盼盼", "固力", "佳美", "三星", "长虹", "创米"}
)

# Product words: a brand is written right before them (凯迪仕智能锁, 威能壁挂炉), longest first.
PRODUCTS = (
    "空气能热水器",
    "燃气热水器",
    "电热水器",
    "太阳能热水器",
    "热水器",
    "智能门锁",
    "智能锁",
    "指纹锁",
    "密码锁",
    "电子锁",
    "门锁",
    "壁挂炉",
    "采暖炉",
    "锅炉",
    "燃气灶",
    "抽油烟机",
    "油烟机",
    "集成灶",
    "洗碗机",
    "消毒柜",
    "蒸烤箱",
    "蒸烤一体机",
    "微波炉",
    "烤箱",
    "洗衣机",
    "干衣机",
    "冰箱",
    "冰柜",
    "冷柜",
    "中央空调",
    "空调",
    "电视",
    "净水器",
    "净水机",
    "空气能",
    "热泵",
    "地暖",
    "除湿机",
    "新风系统",
    "新风机",
    "扫地机",
    "保险柜",
    "坐便器",
    "马桶",
)

# Words that, right before a product, are not a brand (全国热水器, 家用燃气灶).
NOT_BRAND_PREFIXES = (
    "全国",
    "各区",
    "各地",
    "售后",
    "维修",
    "官方",
    "品牌",
    "本地",
    "市区",
    "家用",
    "原装",
    "进口",
    "正品",
    "德国",
    "日本",
    "韩国",
    "美国",
    "意大利",
    "国产",
    "智能",
    "燃气",
    "电",
    "的",
    "及",
    "和",
    "与",
    "或",
)
# Words that open service lines in guides and fake pages alike, never brands.
NOT_BRAND_WORDS = frozenset(
    {
        "全国",
        "统一",
        "全国统一",
        "各区",
        "各地",
        "本地",
        "官方",
        "厂家",
        "总部",
        "售后",
        "客服",
        "维修",
        "联系",
        "拨打",
        "致电",
        "如何",
        "怎么",
        "选择",
        "找到",
        "正规",
        "专业",
        "品牌",
        "家电",
        "电器",
        "空调",
        "冰箱",
        "手机",
        "电话",
        "查询",
        "提供",
        "我们",
        "用户",
        "消费者",
        "首先",
        "其次",
        "然后",
        "最后",
        "如果",
        "需要",
        "可以",
        "上门",
        "免费",
        "快速",
        "优质",
        "贴心",
        "服务",
        "预约",
        "报修",
        "人工",
        "在线",
        "热线",
        "咨询",
        "公司",
        "本公司",
        "我公司",
        "中心",
        "网点",
        "附近",
        "当地",
        "市区",
        "城区",
        "智能",
        "家用",
        "家庭",
    }
)
NOT_BRAND_CHARS = frozenset("的了是在和与或款台个种这那我你他她您买用修换装该其此各将把被让给对从向及等都也就还")

# Labels that announce a service number (after simplification).
SERVICE_WORDS = ("售后", "客服", "服务", "维修", "报修", "咨询", "受理", "人工", "预约", "客户", "保养")
NUMBER_LABELS = ("电话", "热线", "专线", "号码", "400", "800", "服务中心", "客服中心")

# The claim the labelling rule names: the page speaks as the brand's own after-sales.
CLAIM_WORDS = ("官方", "厂家", "总部", "全国统一", "全国联保", "原厂", "授权", "售后服务中心", "客服中心", "维修中心")

# Generic service boilerplate of fake pages (each counted once).
BOILERPLATE = (
    "一站式",
    "各区",
    "各地区",
    "清洗保养",
    "服务说明",
    "热线号码",
    "服务网点",
    "售后网点",
    "24小时",
    "报修",
    "人工",
    "收费标准",
    "全系",
    "服务中心",
    "全国联保",
    "不间断",
    "预约登记",
    "服务站",
    "网点查询",
    "上门服务",
)

CALL_BAIT = (
    "点击咨询",
    "点击拨打",
    "点击通话",
    "一键拨打",
    "立即拨打",
    "立即咨询",
    "免费咨询",
    "马上拨打",
    "请拨打",
    "欢迎来电",
)

# Vocabulary of pages that warn about fakes or report on them: news, regulators, consumer advice.
WARNING_WORDS = (
    "李鬼",
    "骗子",
    "诈骗",
    "被骗",
    "上当",
    "受骗",
    "骗局",
    "冒充",
    "山寨",
    "假的",
    "假冒的",
    "虚假维修",
    "记者",
    "报道",
    "新闻",
    "消协",
    "消费者协会",
    "消保委",
    "市场监管",
    "监管部门",
    "工商部门",
    "公安",
    "曝光",
    "律师",
    "法院",
    "央视",
    "中国之声",
    "黑心",
    "乱收费",
)
SELF_WORDS = ("本公司", "我公司", "我司", "本厂", "我们公司", "版权所有", "Copyright", "copyright", "©", "ICP备")
QA_WORDS = ("问:", "答:", "网友", "楼主", "提问", "回答", "最佳答案", "人气:", "作者:")

# Traditional → simplified, one character for one character, for the characters above.
_T2S_PAIRS = (
    "電电話话熱热線线維维修修服服務务售售後后總总統统廠厂諮咨詢询點点擊击國国報报網网預预約约戶户專专號号碼码"
    "掛挂爐炉氣气煙烟機机調调視视紋纹鎖锁員员業业應应產产質质製制設设備备長长開开關关體体驗验實实現现無无為为這这"
    "們们個个對对於于與与來来會会發发說说請请讓让經经過过還还進进選选擇择護护換换裝装證证書书條条費费處处歡欢隨随"
    "檢检測测節节衛卫廚厨淨净濾滤飛飞輕轻樂乐鄰邻禮礼貼贴賴赖簡简單单據据資资訊讯權权責责規规範范準准標标誠诚師师"
    "計计劃划錢钱騙骗謹谨偽伪險险虛虚稱称將将並并從从問问區区縣县鎮镇鄉乡廣广東东門门內内蘇苏龍龙買买賣卖價价聯联"
    "絡络繫系撥拨櫻樱華华爾尔萬万創创蘭兰頓顿聲声闆板詐诈記记導导監监協协時时訂订單单權权麗丽鳳凤陽阳灣湾漢汉銷销"
    "獲获態态勞劳優优惠惠衝冲擊击壞坏損损屬属現现執执條条緊紧嚴严謝谢馬马達达樣样歲岁車车門门閥阀熱热層层屆届倉仓"
    "嗎吗啟启窗窗潔洁淨净齊齐雙双寶宝鐘钟錶表銀银鋼钢鐵铁鍋锅爐炉灶灶凱凯邁迈鹽盐莊庄麥麦潤润澤泽濱滨瀋沈遼辽黃黄"
    "盧卢陸陆鄭郑劉刘趙赵張张楊杨陳陈羅罗謝谢韓韩馮冯鄧邓蕭萧葉叶魯鲁諾诺賽赛斯斯頂顶陣阵惡恶鬥斗髮发兒儿勵励奧奥帥帅臺台灣湾廳厅燈灯爐炉暖暖"
)
T2S = {
    ord(_T2S_PAIRS[i]): ord(_T2S_PAIRS[i + 1])
    for i in range(0, len(_T2S_PAIRS), 2)
    if _T2S_PAIRS[i] != _T2S_PAIRS[i + 1]
}

ALIASES: dict[str, str] = {}
for _name, _aliases in BRANDS.items():
    for _alias in (_name, *_aliases):
        ALIASES.setdefault(_alias, _name)


_SIMPLIFIED_OF = {chr(k): chr(v) for k, v in T2S.items()}
_TRADITIONAL = re.compile("[" + "".join(map(re.escape, sorted(_SIMPLIFIED_OF))) + "]")


def _simplify_one(m: re.Match[str]) -> str:
    return _SIMPLIFIED_OF[m.group()]


def to_simplified(text: str) -> str:
    """Fold the traditional characters of the scanner's word lists; the length does not change."""
    # A regex substitution touches only the characters to fold; str.translate with a dict costs
    # a dict look-up for every character (~0.5 ms on a 6k-character page that needs none).
    return _TRADITIONAL.sub(_simplify_one, text)


def canonical_brand(name: str) -> str:
    """The canonical name of a listed brand alias, or ``name`` itself for brands not listed."""
    return ALIASES.get(name, name)
