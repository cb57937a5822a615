"""The anxin rule language: safe, typed, compiled to one Python function per ruleset.

Analysts write rules in the risk console; each rule is a condition, an action
(``allow`` / ``review`` / ``block``), a score (0–100) and a reason. A ruleset
file is a sequence of::

    rule <name>: when <condition> then <action> [score <0..100>] [reason "<text>"]

Conditions read like spreadsheet formulas:

- **event fields**: ``type``, ``actor``, ``subject``, ``tenant``, ``time`` (ms),
  ``hour`` (0–23, China time) and every attribute of the schema — ``amount``
  (fen), ``quantity``, ``device``, ``ip``, ``address``, ``payment``, ``shop``,
  ``item``, ``dwell_ms``, ``rating``, ``text``, ``photos``, ``success``, …;
- **windowed features**, computed per entity over a sliding event-time window
  and named inline, so no separate feature set-up is needed::

      count(order_placed, by=device, window=1h)          # orders from this device in the last hour
      sum(order_paid, amount, by=shop, window=1d)        # money paid to this shop today (fen)
      distinct(login, actor, by=device, window=1d)       # accounts seen on this device in a day
      spike(order_placed, by=shop, bucket=1h)            # z-score of this hour vs the shop's usual hour
      count([refund, transfer], by=actor, window=7d)     # several event types; `any` for all

  The key is the current event's value of ``by`` (a missing key reads 0);
  windows go from ``1m`` to ``30d`` (units ``s m h d``);
- **lists and labels**: ``ip in list("vpn_exits")``, ``device not in
  list("allow_devices")``, ``label(actor, "ring_member")`` (labels are written
  by the batch detectors), ``model_score(actor, "fraud_model") >= 0.9`` (the
  active version of a supervised scorer model; 0 for an entity it never scored);
- operators ``and or not``, ``== != < <= > >=``, ``in`` / ``not in`` with
  ``[..]`` or ``list(..)``, ``+ - * / %``; functions ``len lower contains abs
  min max``. Strings are quoted; ``null``, ``true``, ``false``.

Rules are checked when saved (:func:`compile_ruleset` raises
:class:`RuleSyntaxError` or :class:`RuleTypeError`, both
``anxin.errors.InvalidInput``, with rule, line and column) and compiled into
one function that dispatches on the event type. There is no attribute access,
no indexing, no import and no loop in the grammar, so a rule cannot escape.

>>> rs = compile_ruleset('''
... rule hf_orders_device: when type == "order_placed" and count(order_placed, by=device, window=1h) > 20
...   then block score 80 reason "高频下单: more than 20 orders from one device in an hour"
... rule shop_spike: when type == "order_placed" and spike(order_placed, by=shop, bucket=1h) > 6
...   then review score 40 reason "短期销量暴增: this hour's orders far above the shop's usual"
... rule ring: when label(actor, "ring_member") and amount >= 50000 then review score 30
... ''', catalog=Catalog(labels=frozenset({"ring_member"})))
>>> [r.name for r in rs.rules], len(rs.features)
(['hf_orders_device', 'shop_spike', 'ring'], 2)
>>> compile_ruleset('rule bad when count(order_placed, by=device) > 2 then block')
Traceback (most recent call last):
...
anxin.integrity.rules.language.errors.RuleTypeError: bad line 1, column 15: count() needs window=<duration> ...
"""

from anxin.integrity.rules.language.checker import Catalog, CheckedRule, check_rule
from anxin.integrity.rules.language.compiler import (
    CompiledRule,
    CompiledRuleset,
    RuleSource,
    compile_ruleset,
    find_errors,
)
from anxin.integrity.rules.language.errors import RuleError, RuleSyntaxError, RuleTypeError
from anxin.integrity.rules.language.nodes import unparse
from anxin.integrity.rules.language.parser import RuleDef, parse_expression, parse_ruleset
from anxin.integrity.rules.language.reference import evaluate

__all__ = [
    "Catalog",
    "CheckedRule",
    "CompiledRule",
    "CompiledRuleset",
    "RuleDef",
    "RuleError",
    "RuleSource",
    "RuleSyntaxError",
    "RuleTypeError",
    "check_rule",
    "compile_ruleset",
    "evaluate",
    "find_errors",
    "parse_expression",
    "parse_ruleset",
    "unparse",
]
