"""Partitioned decisions equal the single-process engine's, whatever the partition count and the stream."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.integrity.engine import EngineState, decide_all
from anxin.integrity.events.schema import Event
from anxin.integrity.features import FeatureStore
from anxin.integrity.rules.language import compile_ruleset
from anxin.integrity.streams.plan import NO_FEATURES, StreamPlan, decide_from_values, group_values, merge_partials

RULES = compile_ruleset("""
rule device_burst when type == "order_placed" and count(order_placed, by=device, window=10m) > 2
  then block score 70 reason "orders from one device"
rule ip_many_accounts when distinct(order_placed, actor, by=ip, window=1h) > 3 and amount > 100
  then review score 20 reason "many accounts on one IP"
rule big_spender when sum(order_placed, amount, by=actor, window=1d) > 1500 then review score 15
rule busy_before_login when type == "login" and count(order_placed, by=actor, window=1h) > 3
  then review score 10
rule shop_spike when spike(order_placed, by=shop, bucket=1h) > 2 then review score 5
rule flagged when label(actor, "ring_member") then review score 30
rule blocked_device when device in list("blocklist") then block score 90
rule large when amount > 450 then review score 5
""")
STATE = {"lists": {"blocklist": {"d3"}}, "labels": {"ring_member": {"a1", "a7"}}}
T0 = 1767225600000

events = st.lists(
    st.builds(
        lambda i, dt, ty, actor, device, ip, shop, amount: (dt, ty, actor, device, ip, shop, amount),
        st.integers(),
        st.integers(0, 120_000),
        st.sampled_from(["order_placed", "order_placed", "login", "review_posted"]),
        st.integers(0, 9),
        st.one_of(st.none(), st.integers(0, 5)),
        st.one_of(st.none(), st.integers(0, 3)),
        st.one_of(st.none(), st.integers(0, 2)),
        st.one_of(st.none(), st.integers(1, 500)),
    ),
    max_size=120,
)


def build(rows) -> list[Event]:
    """Events in arrival order, some out of order in event time (the windows' bounded lateness applies)."""
    out, t = [], T0
    for n, (dt, ty, actor, device, ip, shop, amount) in enumerate(rows):
        t += dt
        attrs = {"device": device, "ip": ip, "shop": shop, "amount": amount}
        attrs = {k: (f"{k[0]}{v}" if k != "amount" else v) for k, v in attrs.items() if v is not None}
        late = 300_000 if n % 7 == 3 else 0
        out.append(Event(f"e{n}", t - late, "shop-t", ty, f"a{actor}", attrs=attrs))
    return out


@settings(max_examples=60, deadline=None)
@given(events, st.integers(1, 7))
def test_partitioned_decisions_equal_the_single_process_engine(rows, partitions):
    stream = build(rows)
    single = [d.to_dict() for d in decide_all(stream, EngineState(**STATE), RULES)]
    plan = StreamPlan(RULES, partitions)
    stores = [FeatureStore() for _ in range(partitions)]
    state = EngineState(**STATE)
    partitioned = []
    for event in stream:
        routes = plan.routes(event)
        assert len({(g, p) for g, p, _ in routes}) == len(routes)
        assert {n for _, _, n in routes} == {len(routes)}
        partials = [
            {} if group == NO_FEATURES else group_values(plan, stores[p], event, group) for group, p, _ in routes
        ]
        partitioned.append(decide_from_values(event, merge_partials(partials), state, RULES).to_dict())
    assert partitioned == single


def test_an_event_with_no_keyed_feature_is_routed_once_by_its_id():
    plan = StreamPlan(RULES, 4)
    login_without_fields = Event("e1", T0, "shop-t", "review_posted", "a1")
    [(group, partition, expected)] = plan.routes(login_without_fields)
    assert group in plan.groups and expected == 1  # of the groups its rules read, only actor has a key
    no_features = StreamPlan(compile_ruleset("rule large when amount > 10 then review"), 4)
    [(group, partition, expected)] = no_features.routes(login_without_fields)
    assert (group, expected) == (NO_FEATURES, 1)
    assert no_features.routes(login_without_fields)[0][1] == partition  # stable


def test_partition_count_must_be_positive():
    try:
        StreamPlan(RULES, 0)
    except ValueError as exc:
        assert "partitions" in str(exc)
    else:
        raise AssertionError("0 partitions accepted")
