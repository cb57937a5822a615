"""A seeded review stream with planted template groups (模板化好评) among realistic honest reviews.

Problem: the template detector's precision means something only among honest
reviews that repeat themselves the way real ones do, so most of this stream is
honest and repetitive:

- **short stock praise** ("好评", "不错", "质量不错", "good", "👍"), written by
  many unrelated buyers at every shop, with or without punctuation and emoji;
- the platform's **default text** "此用户没有填写评价。" on a few per cent of
  orders, identical everywhere;
- **personal boilerplate**: some buyers paste their own stock review at every
  shop they buy from;
- **detailed reviews** built from a shop category's products and aspects with
  numbers, colours and people ("给老妈买的电饭煲，煮饭很香，用了12天没问题"),
  often mixed with the same generic clauses templates use ("物流很快");
- **English** reviews, short and detailed;
- shops of heavy-tailed size, a tenth with a promotion day that brings a
  burst of honest (and generic) reviews.

Planted groups (sizes log-uniform in 20–300, about ``planted_share`` of the
stream): each is a gang's template, mostly long generic praise, some short
("超赞，物美价廉！"), some English, posted with 5 stars by sock-puppet
accounts on 1–4 shops (small or large) within 1–5 days. Every copy is varied
the way template tools and copy-paste workers vary them: separators and
punctuation, emoji, synonyms swapped ("很好" → "非常好"), filler words
inserted, a clause dropped or two clauses swapped.

Pure and seeded: the same arguments give the same stream. Cost: O(reviews);
accounts, shops, times and ratings are drawn as numpy arrays, texts assembled
from the phrase tables below with a seeded ``random.Random``; a million
reviews take about 12 s (excluded from the benchmark's timing).

>>> stream = generate(seed=3, reviews=5_000)
>>> len(stream.reviews), len(stream.groups) > 0, stream.group_of.shape
(5000, True, (5000,))
>>> planted = stream.reviews[int(np.flatnonzero(stream.group_of == 0)[0])]
>>> planted.rating, planted.shop in stream.groups[0].shops
(5, True)
>>> generate(seed=3, reviews=5_000).reviews[:50] == stream.reviews[:50]
True
"""

from __future__ import annotations

import functools
import random
import string
from dataclasses import dataclass

import numpy as np

from anxin.integrity.detectors.templates import ReviewRecord

DAY_MS = 86_400_000
START_MS = 1_767_196_800_000  # 2026-01-01 00:00 China time

DEFAULT_TEXT = "此用户没有填写评价。"
_DEFAULT, _SHORT, _ENGLISH, _DETAILED, _BOILERPLATE = range(5)  # kinds of honest text
SHORT_PRAISE = {
    "好评": 20, "不错": 14, "很好": 8, "质量不错": 10, "挺好的": 8, "满意": 7, "非常满意": 5, "还行": 5, "好": 5,
    "默认好评": 3, "五星好评": 4, "物美价廉": 2, "值得购买": 2, "很满意": 4, "可以": 3, "喜欢": 3, "👍": 2,
    "good": 3, "nice": 2, "ok": 2, "great": 2, "Good quality": 1,
}  # fmt: skip
COMPLAINTS = ("一般", "差评", "不好", "还行吧", "失望", "bad", "not good")
GENERIC_CLAUSES = (
    "质量很好", "物流很快", "包装很严实", "客服态度很好", "性价比很高", "发货速度快", "跟描述的一样", "做工精细",
    "非常满意", "值得购买", "物美价廉", "宝贝收到了", "东西不错", "卖家很贴心", "服务周到", "下次还会再来",
    "推荐购买", "五星好评", "超赞", "很喜欢", "正品无疑", "价格实惠", "颜值很高", "用着很舒服", "真心不错",
    "比实体店便宜", "一如既往的好", "放心购买", "快递小哥很负责", "没有色差",
)  # fmt: skip
SYNONYMS = {
    "很好": ("非常好", "特别好", "超级好", "挺好"), "很快": ("超快", "非常快", "特别快", "神速"),
    "很高": ("超高", "非常高", "特别高"), "满意": ("称心", "满足"), "值得购买": ("值得入手", "值得拥有", "可以入手"),
    "推荐": ("安利", "力荐"), "不错": ("挺不错", "很不错", "蛮好"), "超赞": ("超棒", "太赞了", "绝了"),
    "喜欢": ("爱了", "中意"), "宝贝": ("东西", "商品"), "卖家": ("店家", "老板"), "严实": ("结实", "仔细"),
    "实惠": ("划算", "便宜"), "舒服": ("舒适", "顺手"), "精细": ("精致", "细致"),
}  # fmt: skip
FILLERS = ("真的", "哈哈", "亲们", "强烈推荐", "总之", "而且", "说实话", "必须说")
EMOJI = ("👍", "😊", "❤️", "🌹", "💯", "😄", "🎉", "✨")
SEPARATORS = ("，", "，", "，", ",", "。", "！", "!", " ", "~", "；", "")
EN_GENERIC = (
    "great product", "fast shipping", "highly recommend", "excellent quality", "works perfectly", "five stars",
    "love it", "exactly as described", "good value for money", "seller was very helpful", "will buy again",
    "arrived quickly", "well packaged", "amazing",
)  # fmt: skip
EN_SYNONYMS = {
    "great": ("excellent", "awesome", "fantastic"), "fast": ("quick", "speedy"), "highly": ("strongly", "definitely"),
    "love": ("really love", "adore"), "good": ("great", "decent"), "very": ("super", "really"),
}  # fmt: skip
CATEGORIES = {
    "数码": (("蓝牙耳机", "充电宝", "数据线", "手机壳", "蓝牙音箱", "机械键盘", "无线鼠标"),
             ("音质{good}", "续航大概{n}个小时", "充电{speed}", "连接很稳定没断过", "{color}的很好看", "手感{good}",
              "用了{n}天没出问题", "比之前那个{brand}的好用", "降噪效果{good}", "{n}米内信号都不错")),
    "服装": (("T恤", "连衣裙", "牛仔裤", "羽绒服", "卫衣", "运动鞋", "衬衫"),
             ("{size}码刚好", "身高{height}体重{weight}斤穿着合适", "面料{good}", "颜色比图片{tone}",
              "洗了{n}次没有掉色", "{color}很显白", "鞋码偏{big}建议拍大一码", "版型{good}", "线头有点多",
              "穿了{n}天没起球")),
    "食品": (("坚果", "茶叶", "牛肉干", "大米", "蜂蜜", "咖啡豆", "螺蛳粉"),
             ("味道{good}", "日期很新鲜是{n}月的", "{n}斤装的够吃{m}天", "有点{taste}", "孩子很爱吃",
              "煮了{n}分钟口感{good}", "比超市的{good}", "分量很足", "冲泡了{n}次还有味", "辣度{good}")),
    "家居": (("枕头", "四件套", "收纳盒", "拖把", "台灯", "毛巾", "炒锅"),
             ("睡了{n}晚颈椎舒服多了", "尺寸{n}厘米刚好", "{color}跟家里很搭", "材质{good}", "安装花了{n}分钟",
              "吸水性{good}", "不粘锅效果{good}", "灯光很柔和", "有点味道放了{n}天散了", "用了{n}个月还很新")),
    "美妆": (("面膜", "口红", "洗面奶", "防晒霜", "精华液", "洗发水"),
             ("敷完皮肤{good}", "{color}号色很显气色", "{n}毫升的用了{m}周", "混油皮用着不闷痘", "味道很淡",
              "保湿效果{good}", "防晒指数{n}够用", "专柜验过是正品", "泡沫很细腻", "用了{n}天头发不干了")),
    "锁具": (("指纹锁", "智能门锁", "锁芯", "挂锁", "电子猫眼"),
             ("师傅上门安装花了{n}分钟", "指纹识别{speed}", "电池用了{n}个月还有电", "录了{n}个指纹",
              "门厚{n}厘米装得上", "面板{color}的很大气", "app连接{good}", "半夜提示音有点响",
              "比原来的{brand}锁好用", "开锁{speed}")),
    "家电": (("电饭煲", "空气炸锅", "吹风机", "电风扇", "扫地机器人", "烧水壶"),
             ("煮饭很香", "功率{n}瓦够用", "噪音{good}", "烧开水只要{n}分钟", "给{person}用的说好用",
              "用了{n}天没问题", "预约功能{good}", "清洗方便", "{n}升的容量一家{m}口刚好", "比之前那台{brand}的安静")),
}  # fmt: skip
SLOTS = {
    "good": ("很好", "不错", "挺好", "一般", "还可以", "很棒", "可以", "超出预期"),
    "speed": ("很快", "挺快", "一秒就开", "有点慢", "还行"), "color": ("黑色", "白色", "粉色", "蓝色", "灰色", "米色"),
    "brand": ("小米", "华为", "公牛", "罗马仕", "绿联", "美的", "苏泊尔", "德施曼"),
    "size": ("S", "M", "L", "XL", "38", "40"),
    "tone": ("深一点", "浅一点", "好看", "亮一点"), "big": ("大", "小"), "taste": ("咸", "甜", "辣", "淡"),
    "person": ("老妈", "老爸", "女朋友", "老公", "孩子", "奶奶", "同事"),
}  # fmt: skip
INTROS = ("给{person}买的{product}", "第{n}次回购{product}了", "{product}收到了", "等了{n}天终于到了",
          "双十一囤的{product}", "朋友推荐买的", "用了一段时间才来评价", "对比了{n}家才买的")  # fmt: skip
CLOSERS = ("推荐购买", "五星好评", "下次还来", "总体满意", "给个好评吧", "还会回购", "就这样吧", "")
NEGATIVE = ("质量一般", "有点失望", "和图片不一样", "客服不理人", "退货了", "用了{n}天就坏了", "味道很大", "发错货了",
            "物流太慢了等了{n}天", "不值这个价")  # fmt: skip
EN_PRODUCTS = ("earbuds", "power bank", "phone case", "lamp", "pillow", "coffee beans", "face mask", "door lock")
EN_ASPECTS = ("battery lasts about {n} hours", "fits well, I am {height} cm", "the {color} one looks nice",
              "sound is {good}", "stopped working after {n} days", "a bit smaller than I expected",
              "took {n} days to arrive", "my {person} uses it every day", "it is {good} for the price")  # fmt: skip
EN_SLOTS = {"good": ("good", "great", "okay", "fine", "decent", "not bad"), "color": ("black", "white", "pink", "blue"),
            "person": ("mom", "dad", "wife", "son", "daughter", "roommate")}  # fmt: skip


@dataclass(frozen=True)
class PlantedGroup:
    """One gang's template: the base text its copies vary, where and when it was posted, by how many accounts."""

    template: str
    shops: tuple[str, ...]
    accounts: int
    reviews: int
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class ReviewStream:
    """Reviews in time order and the truth: ``group_of`` gives each review's planted group (-1 honest)."""

    reviews: list[ReviewRecord]
    group_of: np.ndarray
    groups: list[PlantedGroup]


def generate(*, seed: int = 0, reviews: int = 100_000, days: int = 90, planted_share: float = 0.05) -> ReviewStream:
    """About ``reviews`` reviews over ``days`` days, ``planted_share`` of them in planted template groups."""
    if reviews < 1_000 or days < 7 or not 0 < planted_share < 0.5:
        raise ValueError("need reviews ≥ 1000, days ≥ 7 and 0 < planted_share < 0.5")
    rng = np.random.default_rng(seed)
    text_rng = random.Random(seed)
    n_shops = max(20, reviews // 200)
    shop_weight = rng.pareto(1.1, n_shops) + 1
    shop_weight /= shop_weight.sum()
    shop_category = rng.integers(0, len(CATEGORIES), n_shops)
    shop_items = rng.integers(1, 40, n_shops)
    sizes = _group_sizes(rng, int(reviews * planted_share))
    n_honest = reviews - int(sizes.sum())
    honest = _honest(rng, text_rng, n_honest, days, shop_weight, shop_category, shop_items)
    first_puppet = int(honest["account"].max()) + 1
    puppet_pool = first_puppet + np.arange(max(10, int(sizes.sum() * 0.7)))
    parts = [honest]
    groups = []
    for number, size in enumerate(sizes):
        part, group = _planted(rng, text_rng, int(size), number, days, shop_weight, shop_items, puppet_pool)
        parts.append(part)
        groups.append(group)
    columns = {key: np.concatenate([part[key] for part in parts]) for key in honest}
    order = np.argsort(columns["time"], kind="stable")
    columns = {key: value[order] for key, value in columns.items()}
    records = [
        ReviewRecord(
            f"r{number:07d}", f"u{account:07d}", f"s{shop:05d}", f"s{shop:05d}-i{item:02d}", time, rating, text
        )
        for number, (account, shop, item, time, rating, text) in enumerate(
            zip(
                columns["account"].tolist(),
                columns["shop"].tolist(),
                columns["item"].tolist(),
                columns["time"].tolist(),
                columns["rating"].tolist(),
                columns["text"].tolist(),
                strict=True,
            )
        )
    ]
    return ReviewStream(records, columns["group"], groups)


def _group_sizes(rng: np.random.Generator, budget: int) -> np.ndarray:
    sizes = []
    while budget >= 20:
        size = min(int(np.exp(rng.uniform(np.log(20), np.log(300)))), budget)
        sizes.append(size)
        budget -= size
    return np.array(sizes or [20], dtype=np.int64)


def _honest(rng, text_rng, n, days, shop_weight, shop_category, shop_items) -> dict[str, np.ndarray]:
    """Honest reviews: heavy-tailed buyers and shops, promotion-day bursts, and the text mix the docstring lists."""
    n_accounts = max(50, n // 3)
    account_weight = rng.pareto(1.5, n_accounts) + 1
    account = rng.choice(n_accounts, n, p=account_weight / account_weight.sum())
    shop = rng.choice(len(shop_weight), n, p=shop_weight)
    time = START_MS + rng.integers(0, days * DAY_MS, n)
    promo_day = np.where(rng.random(len(shop_weight)) < 0.1, rng.integers(0, days, len(shop_weight)), -1)
    on_promo = (promo_day[shop] >= 0) & (rng.random(n) < 0.3)
    time[on_promo] = START_MS + promo_day[shop[on_promo]] * DAY_MS + rng.integers(0, DAY_MS, int(on_promo.sum()))
    item = rng.integers(0, shop_items[shop])
    rating = rng.choice([5, 4, 3, 2, 1], n, p=[0.72, 0.14, 0.06, 0.03, 0.05])
    boilerplate_of = {
        int(a): _clauses(text_rng, text_rng.randint(2, 4)) for a in np.flatnonzero(rng.random(n_accounts) < 0.04)
    }
    kind = rng.choice([_DEFAULT, _SHORT, _ENGLISH, _DETAILED], n, p=[0.025, 0.21, 0.075, 0.69])
    has_boilerplate = np.zeros(n_accounts, dtype=bool)
    has_boilerplate[list(boilerplate_of)] = True
    kind[has_boilerplate[account] & (rng.random(n) < 0.8)] = _BOILERPLATE
    short_texts, short_weights = list(SHORT_PRAISE), np.array(list(SHORT_PRAISE.values()), dtype=float)
    short_pick = rng.choice(len(short_texts), n, p=short_weights / short_weights.sum())
    categories = list(CATEGORIES.values())
    texts = []
    for i, (k, a, r) in enumerate(zip(kind.tolist(), account.tolist(), rating.tolist(), strict=True)):
        if k == _BOILERPLATE:
            texts.append(boilerplate_of[a])
        elif k == _DEFAULT:
            texts.append(DEFAULT_TEXT)
        elif k == _SHORT:
            texts.append(_decorate(text_rng, short_texts[short_pick[i]] if r >= 4 else text_rng.choice(COMPLAINTS)))
        elif k == _ENGLISH:
            texts.append(_english(text_rng, r))
        else:
            products, aspects = categories[shop_category[shop[i]]]
            texts.append(_detailed(text_rng, products[item[i] % len(products)], aspects, r))
    return {
        "account": account,
        "shop": shop,
        "item": item,
        "time": time,
        "rating": rating,
        "text": np.array(texts, dtype=object),
        "group": np.full(n, -1, dtype=np.int64),
    }


def _planted(rng, text_rng, size, number, days, shop_weight, shop_items, puppet_pool):
    """One planted group: a template varied ``size`` times by puppets on 1–4 shops within 1–5 days."""
    n_shops = int(rng.integers(1, 5))
    if rng.random() < 0.5:  # gangs mostly serve small shops, but big shops buy reviews too
        shops = rng.choice(len(shop_weight), n_shops, replace=False)
    else:
        shops = rng.choice(len(shop_weight), n_shops, replace=False, p=shop_weight)
    style = rng.random()
    if style < 0.15:
        clauses, english = text_rng.sample(EN_GENERIC, text_rng.randint(3, 5)), True
    else:
        clauses, english = (
            text_rng.sample(GENERIC_CLAUSES, text_rng.randint(1, 2) if style < 0.25 else text_rng.randint(3, 6)),
            False,
        )
    template = (", ".join(clauses).capitalize() + "!") if english else "，".join(clauses) + "！"
    start = START_MS + int(rng.integers(0, (days - 5) * DAY_MS))
    duration = int(rng.integers(1, 6)) * DAY_MS
    start_puppet = int(rng.integers(0, len(puppet_pool)))
    puppets = np.take(puppet_pool, np.arange(start_puppet, start_puppet + max(5, int(size * 0.85))), mode="wrap")
    shop = rng.choice(shops, size)
    texts = [_vary(text_rng, clauses, english) for _ in range(size)]
    part = {
        "account": rng.choice(puppets, size),
        "shop": shop,
        "item": rng.integers(0, np.minimum(shop_items[shop], 3)),
        "time": start + rng.integers(0, duration, size),
        "rating": np.full(size, 5),
        "text": np.array(texts, dtype=object),
        "group": np.full(size, number, dtype=np.int64),
    }
    group = PlantedGroup(
        template,
        tuple(f"s{s:05d}" for s in sorted(shops.tolist())),
        len(np.unique(part["account"])),
        size,
        int(part["time"].min()),
        int(part["time"].max()),
    )
    return part, group


def _clauses(text_rng: random.Random, count: int) -> str:
    """Generic praise clauses joined with separators: a buyer's personal boilerplate."""
    picked = text_rng.sample(GENERIC_CLAUSES, count)
    return "，".join(picked) + text_rng.choice(("！", "。", "", "~"))


def _vary(text_rng: random.Random, clauses: list[str], english: bool) -> str:
    """A copy of a template's ``clauses`` as a template tool or a paid writer varies it.

    Small variations: a synonym in at most half the clauses (never in a
    one-clause template, whose only clause *is* the template), a clause dropped
    or two swapped, a filler word, separators, punctuation and emoji.
    """
    parts = list(clauses)
    synonyms = EN_SYNONYMS if english else SYNONYMS
    swaps = len(parts) // 2
    for i, part in enumerate(parts):
        if swaps and text_rng.random() < 0.3:
            swaps -= 1
            for word, options in synonyms.items():
                if word in part:
                    parts[i] = part.replace(word, text_rng.choice(options), 1)
                    break
    if len(parts) > 2 and text_rng.random() < 0.1:
        parts.pop(text_rng.randrange(len(parts)))
    if len(parts) > 1 and text_rng.random() < 0.1:
        i = text_rng.randrange(len(parts) - 1)
        parts[i], parts[i + 1] = parts[i + 1], parts[i]
    if text_rng.random() < 0.2:
        filler = text_rng.choice(("really", "honestly", "so") if english else FILLERS)
        parts.insert(text_rng.randrange(len(parts) + 1), filler)
    if english:
        text = text_rng.choice((", ", ". ", " ", "! ")).join(parts)
    else:
        text = "".join(part + text_rng.choice(SEPARATORS) for part in parts)
    return _decorate(text_rng, text)


def _decorate(text_rng: random.Random, text: str) -> str:
    """Punctuation and emoji around a text, as people type them."""
    roll = text_rng.random()
    if roll < 0.25:
        text += text_rng.choice(("！", "!", "~", "。", "！！", "~~"))
    elif roll < 0.45:
        text += "".join(text_rng.choices(EMOJI, k=text_rng.randint(1, 3)))
    if text_rng.random() < 0.05 and len(text) > 4:
        cut = text_rng.randrange(1, len(text))
        text = text[:cut] + text_rng.choice(EMOJI) + text[cut:]
    return text


NUMBER_SLOTS = {"n": (2, 60), "m": (2, 9), "height": (150, 190), "weight": (85, 180)}


@functools.cache
def _slot_names(pattern: str) -> tuple[str, ...]:
    return tuple(name for _, name, _, _ in string.Formatter().parse(pattern) if name)


def _fill(text_rng: random.Random, pattern: str, slots: dict[str, tuple[str, ...]], product: str = "") -> str:
    """``pattern`` with its slots filled: the product, random numbers, random picks from ``slots``."""
    values = {}
    for name in _slot_names(pattern):
        if name == "product":
            values[name] = product
        elif name in NUMBER_SLOTS:
            values[name] = text_rng.randint(*NUMBER_SLOTS[name])
        else:
            values[name] = text_rng.choice(slots[name])
    return pattern.format(**values) if values else pattern


def _detailed(text_rng: random.Random, product: str, aspects: tuple[str, ...], rating: int) -> str:
    """An honest Chinese review: intro, the category's aspects with specifics, a few generic clauses, a closer."""
    clauses = []
    if text_rng.random() < 0.45:
        clauses.append(_fill(text_rng, text_rng.choice(INTROS), SLOTS, product))
    pool = NEGATIVE if rating <= 2 else aspects
    clauses += [_fill(text_rng, a, SLOTS, product) for a in text_rng.sample(pool, text_rng.randint(1, 3))]
    if rating >= 4 and text_rng.random() < 0.5:
        clauses += text_rng.sample(GENERIC_CLAUSES, text_rng.randint(1, 2))
    if text_rng.random() < 0.3:
        clauses.append(text_rng.choice(CLOSERS))
    return _decorate(text_rng, "".join(c + text_rng.choice(SEPARATORS) for c in clauses if c).rstrip())


def _english(text_rng: random.Random, rating: int) -> str:
    if text_rng.random() < 0.4:
        return _decorate(text_rng, text_rng.choice(EN_GENERIC).capitalize())
    product = text_rng.choice(EN_PRODUCTS)
    sentences = [f"Bought this {product} for my {text_rng.choice(EN_SLOTS['person'])}"]
    sentences += [_fill(text_rng, a, EN_SLOTS) for a in text_rng.sample(EN_ASPECTS, text_rng.randint(1, 2))]
    if rating >= 4 and text_rng.random() < 0.5:
        sentences.append(text_rng.choice(EN_GENERIC))
    return ". ".join(s[0].upper() + s[1:] for s in sentences) + text_rng.choice((".", "!", ""))
