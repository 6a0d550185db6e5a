#!/usr/bin/python3
"""Checks docs/metrics.md against the agent's real exposition and its source code.

    curl -s localhost:9041/metrics | python3 Tests/EndToEnd/metric_reference.py -
    python3 Tests/EndToEnd/metric_reference.py --static     # without a scrape: checks 2 and 3

Three lists, each must be empty (python3 standard library only):
  1. served but not documented: a `# TYPE` family of the scrape matches no documented name;
  2. documented but not in the code: a documented name (for a `<placeholder>` name, its literal
     start) appears in no file under Sources/;
  3. written in the code but not documented: a complete metric name in a Swift string literal
     under Sources/ matches no documented name.
Documented names are the backticked `hosthealth_...` names in the first column of the tables in
docs/metrics.md; `<a|b>` stands for one of its words, any other `<placeholder>` for [a-z0-9_]+.
"""

import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DOC = os.path.join(ROOT, "docs", "metrics.md")
SOURCES = os.path.join(ROOT, "Sources")

ROW_NAME = re.compile(r"^\|\s*`(hosthealth_[^`]*)`\s*\|")
LITERAL_NAME = re.compile(r'"(hosthealth_[a-z0-9_]*[a-z0-9])"')
TYPE_LINE = re.compile(r"^# TYPE (\S+) (\S+)")


def documented_names(doc_text):
    """The documented names, in order, from the first column of the doc's tables."""
    names = []
    for line in doc_text.splitlines():
        match = ROW_NAME.match(line)
        if match:
            # Inside a table, a | between alternatives is written \|.
            names.append(match.group(1).replace("\\|", "|"))
    return names


def pattern(name):
    """A documented name as a regex: <a|b|c> is one of its words, any other <placeholder> is
    [a-z0-9_]+."""
    def placeholder(text):
        return "(?:" + "|".join(re.escape(w) for w in text.split("|")) + ")" if "|" in text else "[a-z0-9_]+"
    pieces = re.split(r"<([^>]*)>", name)
    regex = "".join(re.escape(p) if i % 2 == 0 else placeholder(p) for i, p in enumerate(pieces))
    return re.compile("^" + regex + "$")


def served_families(exposition_text):
    """Family names from the scrape's # TYPE lines, named as their samples are (as the 0.0.4
    text format names them): OpenMetrics types a counter without its _total and an info family
    without its _info."""
    suffixes = {"counter": "_total", "info": "_info"}
    families = []
    for line in exposition_text.splitlines():
        match = TYPE_LINE.match(line)
        if match:
            name, kind = match.groups()
            suffix = suffixes.get(kind, "")
            if suffix and not name.endswith(suffix):
                name += suffix
            families.append(name)
    return families


def source_texts(sources_dir):
    texts = {}
    for folder, _dirs, files in os.walk(sources_dir):
        for file in files:
            if file.endswith((".swift", ".c", ".h")):
                path = os.path.join(folder, file)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    texts[os.path.relpath(path, os.path.dirname(sources_dir))] = handle.read()
    return texts


def problems(exposition_text, doc_text, sources):
    """Returns (served_undocumented, documented_missing, written_undocumented)."""
    names = documented_names(doc_text)
    patterns = [(name, pattern(name)) for name in names]

    def is_documented(family):
        return any(regex.match(family) for _name, regex in patterns)

    served = [] if exposition_text is None else served_families(exposition_text)
    served_undocumented = sorted({f for f in served if not is_documented(f)})

    everything = "\n".join(sources.values())
    documented_missing = sorted({name for name in names if name.split("<")[0] not in everything})

    written = {}
    for path, text in sorted(sources.items()):
        for match in LITERAL_NAME.finditer(text):
            written.setdefault(match.group(1), path)
    written_undocumented = sorted(f"{name} ({path})" for name, path in written.items() if not is_documented(name))
    return served_undocumented, documented_missing, written_undocumented


def report(found):
    """One message listing exactly what is missing, or '' when all three lists are empty."""
    served_undocumented, documented_missing, written_undocumented = found
    lines = []
    if served_undocumented:
        lines.append("served by the agent but not documented in docs/metrics.md: " + ", ".join(served_undocumented))
    if documented_missing:
        lines.append("documented in docs/metrics.md but in no file under Sources/: " + ", ".join(documented_missing))
    if written_undocumented:
        lines.append("written in Sources/ but not documented in docs/metrics.md: " + ", ".join(written_undocumented))
    return "; ".join(lines)


def main(argv):
    if len(argv) != 2 or argv[1] not in ("-", "--static"):
        sys.stderr.write(__doc__)
        return 2
    exposition = sys.stdin.read() if argv[1] == "-" else None
    with open(DOC, encoding="utf-8") as handle:
        doc = handle.read()
    if not documented_names(doc):
        print(f"{DOC}: no documented names found (expected table rows starting with | `hosthealth_...` |)")
        return 1
    message = report(problems(exposition, doc, source_texts(SOURCES)))
    if message:
        print(message)
        return 1
    print("docs/metrics.md matches" + (" the scrape and" if exposition is not None else "") + " the sources")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
