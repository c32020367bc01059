#!/usr/bin/env python3
"""Loads, checks and counts the blind third-language crisis set. Writes report.md. Exit 0 only if all checks pass."""
import sys, os, collections
import yaml
from rapidfuzz import fuzz

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ["en", "ar", "ar_latn", "tr", "es", "pt", "ro", "pl"]
SITS = ["suicide", "violence", "medical", "fire", "gas", "co", "poison", "child_alone", "other"]
STYLES = {"direct", "indirect", "misspelled", "sms", "mixed_language", "long_story", "idiom",
          "harmless", "past", "emotion", "long_ordinary"}
errors, lines = [], ["# Blind third-language crisis set: check report", ""]
lines.append("| file | messages | danger | not direct | near-miss | long_ordinary | " + " | ".join(SITS) + " |")
lines.append("|" + "---|" * (6 + len(SITS)))
tot = collections.Counter()
for lang in FILES:
    path = os.path.join(HERE, lang + ".yml")
    def err(m):
        errors.append(f"{lang}.yml: {m}")
    try:
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        data = yaml.safe_load(raw)
    except Exception as e:
        err(f"cannot load: {e}"); continue
    if not raw.startswith("# Blind third-language crisis set ("):
        err("missing header comment")
    if data.get("language") != lang:
        err(f"language is {data.get('language')!r}")
    msgs = data.get("messages") or []
    c = collections.Counter(); sit = collections.Counter()
    for i, m in enumerate(msgs):
        tag = f"#{i+1}"
        t = m.get("text")
        if not isinstance(t, str) or not t.strip():
            err(f"{tag} missing text"); continue
        n = len(t.split())
        if not 3 <= n <= 60:
            err(f"{tag} {n} words")
        st = m.get("style")
        if st not in STYLES:
            err(f"{tag} bad style {st!r}")
        d = m.get("danger")
        if d is True:
            keys = {"text", "danger", "situation", "style"}
            if set(m) != keys: err(f"{tag} keys {sorted(m)}")
            if m.get("situation") not in SITS: err(f"{tag} bad situation {m.get('situation')!r}")
            if st in ("long_ordinary", "idiom", "harmless", "past", "emotion"): err(f"{tag} style {st} on danger")
            c["danger"] += 1; sit[m.get("situation")] += 1
            if st != "direct": c["notdirect"] += 1
        elif d is False:
            keys = {"text", "danger", "near_miss_of", "style"}
            if set(m) != keys: err(f"{tag} keys {sorted(m)}")
            nm = m.get("near_miss_of")
            if nm == "none":
                if st != "long_ordinary": err(f"{tag} near_miss_of none but style {st}")
                if not 25 <= n <= 60: err(f"{tag} long_ordinary has {n} words")
                c["long"] += 1
            elif nm in SITS:
                if st == "long_ordinary": err(f"{tag} long_ordinary with near_miss_of {nm}")
                c["near"] += 1
            else:
                err(f"{tag} bad near_miss_of {nm!r}")
        else:
            err(f"{tag} danger not boolean")
    if c["danger"] < 30: err(f"only {c['danger']} danger")
    if c["notdirect"] * 2 < c["danger"]: err(f"only {c['notdirect']} of {c['danger']} danger not direct")
    if sit["suicide"] < 6: err(f"only {sit['suicide']} suicide")
    for s in SITS[1:]:
        if sit[s] < 2: err(f"only {sit[s]} {s}")
    if c["near"] < 20: err(f"only {c['near']} near-misses")
    if c["long"] < 12: err(f"only {c['long']} long_ordinary")
    texts = [m["text"].lower() for m in msgs if isinstance(m.get("text"), str)]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            r = fuzz.token_set_ratio(texts[i], texts[j])
            if r >= 90:
                err(f"near-duplicate #{i+1} and #{j+1} ({r:.0f}): {texts[i][:50]!r} / {texts[j][:50]!r}")
    lines.append(f"| {lang} | {len(msgs)} | {c['danger']} | {c['notdirect']} | {c['near']} | {c['long']} | "
                 + " | ".join(str(sit[s]) for s in SITS) + " |")
    tot["msgs"] += len(msgs); tot["danger"] += c["danger"]; tot["near"] += c["near"]; tot["long"] += c["long"]
lines.append("")
lines.append(f"Total: {tot['msgs']} messages, {tot['danger']} danger, {tot['near']} near-misses, {tot['long']} long ordinary.")
lines.append("")
lines.append("Checks: YAML loads; keys and allowed values; 3-60 words; minimum counts per file and per situation; "
             "at least half of danger messages not direct; long_ordinary 25-60 words; no pair in one file with "
             "rapidfuzz token_set_ratio >= 90 (lowercased).")
lines.append("")
lines.append("## Result: " + ("PASS" if not errors else f"FAIL ({len(errors)} problems)"))
lines += ["- " + e for e in errors]
with open(os.path.join(HERE, "report.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
sys.exit(1 if errors else 0)
