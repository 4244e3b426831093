"""The analysis document as a short decision memo in plain text."""

from __future__ import annotations

POLICY_NAMES = {"best": "best play", "random": "every open option equally likely"}


def _n(x: float | None, digits: int = 1) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _pct(p: float) -> str:
    return f"{100 * p:.0f}%" if p >= 0.005 else "<1%"


def _endings(endings: dict[str, float], limit: int = 3) -> str:
    items = list(endings.items())
    text = ", ".join(f"{k} {_pct(p)}" for k, p in items[:limit])
    return text + (f", +{len(items) - limit} more" if len(items) > limit else "")


def _scores(expected: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.1f}" for k, v in expected.items())


def _policy(doc: dict) -> str:
    p = doc["policy"]
    return POLICY_NAMES.get(p, f"the '{p}' line (best play where it is silent or locked)")


def _header(doc: dict) -> list[str]:
    w = doc["weighting"]
    weights = ", ".join(f"{k} {v:.2f}" for k, v in w["weights"].items() if v > 0)
    pos = doc["position"]
    origin = f" (after {pos['steps']} steps of {pos['replay']})" if pos.get("replay") else ""
    return [
        f"Projected outcomes: {doc['scenario']['title']}",
        f"Note: {doc['note']}",
        f"Perspective: {w['label']} ({weights})",
        f"Continuation: {_policy(doc)}",
        f"From: {pos['node']}{origin}",
        "",
    ]


def _root(doc: dict) -> list[str]:
    r = doc["root"]
    out = [f"From here the model projects a value of {r['value']:.1f} (sd {r['stdev']:.1f}; "
           f"worst {r['worst']:.1f}, best {r['best']:.1f}).",
           f"  Projected scores: {_scores(r['expected'])}",
           f"  Projected endings: {_endings(r['endings'], 5)}"]
    steps = []
    for step in doc["line"]:
        steps.append(step["node"] if step["choice"] is None else
                     f"{step['node']}: {step['choice']}" + (f" ({_pct(step['probability'])})"
                                                            if step["probability"] is not None else ""))
    out.append(f"  Most likely line: {' -> '.join(steps)}")
    size = doc["size"]
    out.append(f"  ({size['positions']:,} distinct positions, {size['paths']:,} paths to an ending)")
    for node, reason in doc["fallbacks"].items():
        out.append(f"  At {node} the line gives way to best play: {reason}.")
    out.extend(f"  Warning: {w}" for w in doc["warnings"])
    return out + [""]


def _why(d: dict) -> str:
    gains = [r for r in d["reasons"] if r["weighted"] > 0]
    losses = [r for r in d["reasons"] if r["weighted"] < 0]
    parts = []
    if gains:
        parts.append("it gains most on " + " and ".join(f"{r['objective']} ({r['difference']:+.1f})" for r in gains))
    if losses:
        parts.append("it gives up " + " and ".join(f"{r['objective']} ({r['difference']:+.1f})" for r in losses))
    return "; ".join(parts) if parts else "the options are projected to score the same"


def _decision(n: int, d: dict) -> list[str]:
    reach = f"reached with probability {_pct(d['reach'])}" if d["on_policy_path"] else "off the policy's path"
    states = f", in {d['states']} states" if d["states"] > 1 else ""
    out = [f"{n}. {d['title'] or d['node']} [{d['node']}], {d['date']}: {reach}{states}"]
    best = next(o for o in d["options"] if o["option"] == d["best_option"])
    if d["runner_up"]:
        other = next(o for o in d["options"] if o["option"] == d["runner_up"])
        out.append(f"   Recommended: {best['option']} ({best['label']}), projected {best['value']:.1f} "
                   f"against {other['value']:.1f} for {other['option']}.")
        out.append(f"   Why: over {other['option']}, {_why(d)}.")
    else:
        out.append(f"   Only option open: {best['option']} ({best['label']}), projected {best['value']:.1f}.")
    taken = d.get("line_choice")
    if taken and taken != d["best_option"]:
        row = next(o for o in d["options"] if o["option"] == taken)
        gap = "it is locked here" if row["value"] is None else f"projected {row['value']:.1f}, regret {row['regret']:.1f}"
        out.append(f"   The line takes {taken} instead ({gap}).")
    out.append(f"   {'option':<24} {'value':>6} {'sd':>5} {'worst':>6} {'best':>6} {'regret':>6}  endings")
    for o in d["options"]:
        mark = "*" if o["option"] == d["best_option"] else " "
        if o["value"] is None:
            out.append(f" {mark} {o['option']:<24} locked")
            continue
        share = f"  (open {_pct(o['open'])})" if o["open"] < 0.995 else ""
        out.append(f" {mark} {o['option']:<24} {o['value']:>6.1f} {o['stdev']:>5.1f} {o['worst']:>6.1f} "
                   f"{o['best']:>6.1f} {o['regret']:>6.1f}  {_endings(o['endings'])}{share}")
    return out + [""]


def _sensitivity(s: dict) -> list[str]:
    out = ["Sensitivity (the model's projection as one assumption varies; tornado order):",
           f"   best first decision now: {s['best_first_option'] or '-'}",
           f"   {'assumption':<28} {'range':>17} {'value at low':>12} {'at high':>8}  best decision holds"]
    rows = {(r["kind"], r["name"]): r for r in s["rows"]}
    for t in s["tornado"]:
        r = rows[(t["kind"], t["name"])]
        name = f"{'weight' if r['kind'] == 'weight' else 'param'} {r['name']}"
        holds = "whole range" if not r["flips"] else f"{_n(r['holds_from'], 3)} to {_n(r['holds_to'], 3)}; " + \
            "; ".join(f"{f['from']} -> {f['to']} at {f['at']:.3f}" for f in r["flips"])
        out.append(f"   {name:<28} {_n(r['low'], 3):>8}-{_n(r['high'], 3):<8} {_n(r.get('root_at_low')):>12} "
                   f"{_n(r.get('root_at_high')):>8}  {holds}")
    for r in s["rows"]:
        for f in r.get("failures", []):
            out.append(f"   {r['name']} = {f['at']}: not analysable ({f['error']})")
        if r.get("note"):
            out.append(f"   {r['name']}: {r['note']}")
    return out + [""]


def _frontier(f: dict) -> list[str]:
    how = "every deterministic policy" if f["method"] == "exact" else "the candidate policies"
    out = [f"Trade-offs: the Pareto frontier over {how} (projected expected scores):"]
    if f["note"]:
        out.append(f"   {f['note']}")
    for p in f["policies"]:
        status = "on the frontier" if p["on_frontier"] else (
            f"beaten on every objective by {p['dominated_by']}" if p["dominated_by"] else "off the frontier")
        gives = ", ".join(f"{k} {v:.1f}" for k, v in p["gives_up"].items()) or "nothing"
        out.append(f"   {p['label']}: {_scores(p['expected'])}; {status}; gives up {gives}")
    for k, point in enumerate(f.get("frontier") or [], start=1):
        choices = "; ".join(f"{n}: {' or '.join(o)}" + (" (by state)" if len(o) > 1 else "")
                            for n, o in point["choices"].items())
        same = f" = {', '.join(point['matches'])}" if point["matches"] else ""
        out.append(f"   frontier {k}{same}: {_scores(point['expected'])}")
        out.append(f"      choices: {choices or '(none left)'}")
    return out + [""]


def _montecarlo(m: dict) -> list[str]:
    out = [f"Monte Carlo: {m['runs']:,} seeded playthroughs on the engine (seeds {m['seed']} to "
           f"{m['seed'] + m['runs'] - 1}):",
           f"   mean {m['mean']:.2f} against the exact projection {m['exact_mean']:.2f} "
           f"(standard error {m['standard_error']:.3f}, z = {_n(m['z'], 2)})"]
    peak = max(h["count"] for h in m["histogram"]) or 1
    for h in m["histogram"]:
        bar = "#" * round(30 * h["count"] / peak)
        out.append(f"   {h['low']:6.1f}-{h['high']:<6.1f} {h['count']:>7,} {_pct(h['exact']):>5} exact  {bar}")
    return out + [""]


def render_text(doc: dict) -> str:
    """The memo: header, the position's projection, one paragraph per decision, then the studies."""
    lines = _header(doc) + _root(doc)
    for n, d in enumerate(doc["decisions"], start=1):
        lines += _decision(n, d)
    if doc["sensitivity"]:
        lines += _sensitivity(doc["sensitivity"])
    if doc["frontier"]:
        lines += _frontier(doc["frontier"])
    if doc["montecarlo"]:
        lines += _montecarlo(doc["montecarlo"])
    return "\n".join(lines).rstrip() + "\n"
