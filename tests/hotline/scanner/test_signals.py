from anxin.hotline.scanner import Scanner


def offers(text):
    return Scanner().scan(text).offers


def test_offer_named_right_before_the_number():
    (o,) = offers("华帝咨询电话:4006-189123")
    assert (o.brand, o.number, o.named, o.referenced) == ("华帝", "+864006189123", True, False)


def test_pointing_to_a_line_is_not_offering_one():
    (o,) = offers("如需购买，可拨打威能全国服务热线400-700-1890进行咨询。")
    assert o.named and o.referenced


def test_numbers_without_a_label_are_not_offers():
    assert offers("威能 2024年 4007001890") == ()


def test_same_number_for_two_brands_on_one_page():
    r = Scanner().scan("威能壁挂炉售后电话4006189123\n林内热水器售后电话4006189123")
    assert "number_many_brands" in {x.code for x in r.reasons}


def test_official_claim_needs_the_brand_in_a_heading_or_offer():
    r = Scanner().scan("很多人会去找官方售后。小米门锁保修一年。")
    assert "official_claim" not in {x.code for x in r.reasons}
    r = Scanner().scan("小米门锁官方售后服务中心电话：400-100-5678")
    assert "official_claim" in {x.code for x in r.reasons}


def test_every_reason_has_a_chinese_summary():
    from anxin.hotline.scanner.signals import REASON_ZH

    r = Scanner().scan("凯迪仕智能锁全国统一售后服务热线：400-1865-909（点击咨询）")
    for reason in r.reasons:
        assert reason.code in REASON_ZH and reason.to_dict()["message_zh"] == REASON_ZH[reason.code]
