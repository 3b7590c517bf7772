#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write bannerlint-rules(7), the rule catalogue as an mdoc page, from the
rules/*.rules files, so that every rule the binary carries is documented.

Usage: gen-rules-man.py [--date DATE] [-o OUTPUT] RULES_FILE...

The files are read with the same lexical rules as libconfuse (quoted and
unquoted strings, escapes, backslash-newline continuation, '#', '//' and
'/* */' comments). Only what the page needs is taken from them; the rule
loader in src/rules.c remains the validator of the format. Problems are
reported as file:line: message and make the exit status 1."""
import argparse
import os
import re
import sys

DEFAULT_DATE = "November 23, 2026"


class RuleFileError(Exception):
    def __init__(self, path, line, msg):
        super().__init__("%s:%d: %s" % (path, line, msg))


# --- lexer: the token kinds and string escapes of libconfuse's lexer.l ---

SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "b": "\b", "f": "\f", "a": "\a",
                  "e": "\x1b", "t": "\t", "v": "\v"}
UNQUOTED_STOP = set(" #\"'\t\n\r={}()+,")


def tokenize(path, text):
    """Yield (kind, value, line): kind is 'str' or one of { } ( ) = += ,"""
    i, n, line = 0, len(text), 1
    while i < n:
        c = text[i]
        if c in " \t\r":
            i += 1
        elif c == "\n":
            line += 1
            i += 1
        elif c == "#" or text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise RuleFileError(path, line, "unterminated /* comment")
            line += text.count("\n", i, end)
            i = end + 2
        elif text.startswith("+=", i):
            yield "+=", "+=", line
            i += 2
        elif c in "{}()=,":
            yield c, c, line
            i += 1
        elif c == '"':
            start = line
            i, line, value = dq_string(path, text, i + 1, line)
            yield "str", value, start
        elif c == "'":
            start = line
            i, line, value = sq_string(path, text, i + 1, line)
            yield "str", value, start
        else:
            j = i
            while j < n:
                if text[j] in UNQUOTED_STOP:
                    break
                if text[j] == "*" or (text[j] == "/" and j + 1 < n and
                                      text[j + 1] in "/*"):
                    if j == i:
                        j += 1  # a lone '*' or '/' that libconfuse eats
                    break
                j += 1
            word = text[i:j]
            if word not in ("*", "/"):
                yield "str", word, line
            i = j


def decoded(path, line, s):
    """A string read byte by byte, as the UTF-8 text it stands for."""
    try:
        return s.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        raise RuleFileError(path, line, "string is not valid UTF-8 after "
                            "its escapes are applied")


def dq_string(path, text, i, line):
    """Read a "..." string whose opening quote is before i."""
    out, n, start = [], len(text), line
    while True:
        if i >= n:
            raise RuleFileError(path, start, "unterminated string")
        c = text[i]
        if c == '"':
            return i + 1, line, decoded(path, start, "".join(out))
        if c == "\n":
            out.append("\n")
            line += 1
            i += 1
        elif c == "$" and text.startswith("${", i) and "}" in text[i:]:
            # libconfuse replaces ${NAME} from the environment: a rule
            # would then depend on the shell of whoever runs bannerlint.
            raise RuleFileError(path, line, "'${' in a string is replaced "
                                "from the environment by libconfuse; "
                                "write '$\\{' for a literal brace")
        elif c == "\\":
            if i + 1 >= n:
                raise RuleFileError(path, start, "unterminated string")
            d = text[i + 1]
            if d == "\n":  # continuation: nothing is added
                line += 1
                i += 2
            elif d in "01234567":
                m = re.match(r"[0-7]{1,3}", text[i + 1:])
                value = int(m.group(0), 8)
                if value > 0xFF:
                    raise RuleFileError(path, line, "invalid octal number "
                                        "'\\%s'" % m.group(0))
                out.append(chr(value))
                i += 1 + len(m.group(0))
            elif d in "89":
                raise RuleFileError(path, line, "bad escape sequence '\\%s'"
                                    % d)
            elif d == "x" and re.match(r"[0-9A-Fa-f]", text[i + 2:i + 3]):
                m = re.match(r"[0-9A-Fa-f]{1,2}", text[i + 2:])
                out.append(chr(int(m.group(0), 16)))
                i += 2 + len(m.group(0))
            else:
                out.append(SIMPLE_ESCAPES.get(d, d))
                i += 2
        else:
            out.append(c)
            i += 1


def sq_string(path, text, i, line):
    """Read a '...' string: only \\\\ and \\' are escapes."""
    out, n, start = [], len(text), line
    while True:
        if i >= n:
            raise RuleFileError(path, start, "unterminated string")
        c = text[i]
        if c == "'":
            return i + 1, line, decoded(path, start, "".join(out))
        if c == "\n":
            out.append("\n")
            line += 1
            i += 1
        elif c == "\\" and i + 1 < n:
            d = text[i + 1]
            if d == "\n":
                line += 1
            elif d in "\\'":
                out.append(d)
            else:
                out.append(c + d)
            i += 2
        else:
            out.append(c)
            i += 1


# --- parser: options, lists and titled sections ---

class Section:
    def __init__(self, kind, title, path, line):
        self.kind, self.title, self.path, self.line = kind, title, path, line
        self.opts = {}
        self.sections = []


def parse(path, text):
    toks = list(tokenize(path, text))
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else (None, None, None)

    def take(kind=None, what=None):
        tok = peek()
        if tok[0] is None:
            last = toks[-1][2] if toks else 1
            raise RuleFileError(path, last, "unexpected end of file, "
                                "expected %s" % (what or kind))
        if kind is not None and tok[0] != kind:
            raise RuleFileError(path, tok[2], "expected %s, found '%s'"
                                % (what or kind, tok[1]))
        pos[0] += 1
        return tok

    def value_list():
        items = []
        take("{", "'{'")
        if peek()[0] == "}":
            take()
            return items
        while True:
            items.append(take("str", "a list item")[1])
            tok = take(None)
            if tok[0] == "}":
                return items
            if tok[0] != ",":
                raise RuleFileError(path, tok[2], "expected ',' or '}' in "
                                    "a list, found '%s'" % tok[1])

    def body(sec, closing):
        while True:
            kind, name, line = peek()
            if kind is None:
                if closing:
                    raise RuleFileError(path, sec.line, "section '%s' is "
                                        "not closed" % sec.kind)
                return
            if kind == "}" and closing:
                take()
                return
            take("str", "an option or section name")
            kind2, _, line2 = peek()
            if kind2 in ("=", "+="):
                take()
                if peek()[0] == "{":
                    val = value_list()
                else:
                    val = take("str", "a value")[1]
                if kind2 == "+=" and isinstance(sec.opts.get(name), list):
                    sec.opts[name] = sec.opts[name] + (
                        val if isinstance(val, list) else [val])
                else:
                    sec.opts[name] = val
            elif kind2 == "str":
                title = take()[1]
                child = Section(name, title, path, line)
                take("{", "'{' after the section title")
                body(child, True)
                sec.sections.append(child)
            elif kind2 == "{":
                take()
                child = Section(name, None, path, line)
                body(child, True)
                sec.sections.append(child)
            else:
                raise RuleFileError(path, line2 or line, "expected '=' or a "
                                    "section after '%s'" % name)

    top = Section(None, None, path, 1)
    body(top, False)
    return top


# --- mdoc output ---

# Words that mdoc would take for a macro or a delimiter on a macro line.
MACRO_WORD = re.compile(r"^(?:[A-Z][a-z][a-z]?|%[A-Z]|[(),.;:|?!\[\]])$")
ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "resp.", "approx.")


def escape_chars(s):
    """Escape what roff would interpret anywhere in a line."""
    out = []
    for c in s:
        if c == "\\":
            out.append("\\e")
        elif c == "\t":
            out.append(" ")
        elif ord(c) < 32 or ord(c) == 127:
            continue
        elif ord(c) > 127:
            out.append("\\[u%04X]" % ord(c))
        else:
            out.append(c)
    # An option (--unsafe, -o, -Fqdn) or the "--" before a reason is
    # literal syntax: minus signs that are typed as is and never broken at.
    return re.sub(r"(?<![\w-])-[\w-]*",
                  lambda m: m.group(0).replace("-", "\\-"), "".join(out))


def text_line(s):
    """One text line: no control character at its start."""
    s = escape_chars(s.strip())
    if s.startswith((".", "'")):
        s = "\\&" + s
    return s


def macro_args(s):
    """Arguments for a parsed macro line such as .Ss or .It."""
    words = []
    for w in escape_chars(s).split():
        w = w.replace('"', "\\(dq")
        if MACRO_WORD.match(w):
            w = "\\&" + w
        words.append(w)
    return " ".join(words)


def sentences(paragraph):
    """Split a paragraph into one line per sentence, as mdoc prefers: a line
    ending in a full stop is the end of a sentence to roff, so only real
    sentence ends are split."""
    words = paragraph.split()
    lines, cur = [], []
    for k, w in enumerate(words):
        cur.append(w)
        nxt = words[k + 1] if k + 1 < len(words) else ""
        if (nxt and w.endswith((".", "?", "!")) and
                w.lower().lstrip("('\"") not in ABBREVIATIONS and
                not re.match(r"^(?:[A-Za-z]\.)+$", w)):
            lines.append(" ".join(cur))
            cur = []
    if cur:
        lines.append(" ".join(cur))
    return lines


def explain_lines(explain):
    """The explain text as mdoc: paragraphs on blank lines, and a single
    newline kept as a line break."""
    out = []
    paragraphs = [p for p in re.split(r"\n[ \t]*\n", explain.strip())
                  if p.strip()]
    for k, para in enumerate(paragraphs):
        if k:
            out.append(".Pp")
        parts = [p for p in para.split("\n") if p.strip()]
        for j, part in enumerate(parts):
            if j:
                out.append(".br")
            for sentence in sentences(part):
                out.extend(wrap(text_line(sentence)))
    return out


def wrap(line, width=78):
    """Break a long text line between words. A break after a word that
    ends in a full stop would make roff end a sentence there, so such a
    word gets a zero-width \\& behind it."""
    words = line.split(" ")
    lines, cur = [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            if re.search(r"[.!?][)'\"\]]*$", cur):
                cur += "\\&"
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    lines.append(cur)
    # A continuation line must not start like a control line either.
    return [lines[0]] + [("\\&" + x if x.startswith((".", "'")) else x)
                         for x in lines[1:]]


SEVERITIES = ("error", "warning", "info")
def rule_section(sec):
    opts = sec.opts
    out = [".Ss %s" % macro_args("%s %s" % (sec.title, opts["name"])),
           ".Bl -tag -width \"Applies to\" -compact",
           ".It Severity",
           text_line(opts["severity"])]
    applies = opts.get("applies")
    if applies:
        out += [".It Applies to", text_line(", ".join(as_list(applies)))]
    mta = opts.get("mta")
    if mta:
        out += [".It MTA", text_line(", ".join(as_list(mta)))]
    tier = opts.get("fix-safety")
    if tier and opts.get("fix") != "none":
        out.append(".It Fix")
        if tier == "safe":
            out += [text_line("safe, written by"), ".Ic bannerlint fix"]
        elif tier == "unsafe":
            out += [text_line("unsafe, written by"), ".Ic bannerlint fix",
                    "with", ".Fl Fl unsafe"]
        else:
            out.append(text_line("%s: advice only, no edit" % tier))
    out.append(".El")
    out.append(".Pp")
    out += explain_lines(opts["explain"])
    refs = as_list(opts.get("refs") or [])
    if refs:
        out += [".Pp", "References:", ".Bl -bullet -compact"]
        for ref in refs:
            out += [".It"] + wrap(text_line(ref))
        out.append(".El")
    return out


def as_list(v):
    return v if isinstance(v, list) else [v]


HEADER = r""".\" SPDX-License-Identifier: BSD-2-Clause
.\" Generated by man/gen-rules-man.py from rules/*.rules: do not edit.
.Dd {date}
.Dt BANNERLINT-RULES 7
.Os
.Sh NAME
.Nm bannerlint-rules
.Nd the rules bannerlint checks mail server greetings against
.Sh DESCRIPTION
A rule is one thing that can be wrong with what a mail server says about
itself: its
.Ql 220
greeting (the banner), the name it gives in HELO or EHLO, or the host name
either of them carries.
.Xr bannerlint 1
computes these from the server's configuration and applies every rule to
each of them; a rule that fires produces a finding, reported at the
setting that caused it.
.Pp
Each rule has an id such as
.Li BL101
and a name such as
.Li banner-software-name .
The first digit of the id is the family: 0 for bannerlint's own
directives, 1 for the banner text, 2 for host names, 3 for consistency
between settings, 4 for DNS and 5 for the live server.
Ids are stable: once published, an id keeps its meaning, is never given to
another rule and is never reused after a rule is withdrawn, so that
configurations, suppressions and CI baselines that name it stay valid.
.Pp
Every rule has a default severity:
.Bl -tag -width warning
.It Cm error
the server is broken or will be refused by receivers;
.It Cm warning
the server leaks information or risks its mail being judged as spam;
.It Cm info
worth knowing, rarely harmful.
.El
.Pp
All findings are printed whatever their severity;
.Fl Fl fail-on
(default
.Cm warning )
only decides which of them make the exit status 1.
The severity of any rule can be changed in
.Xr bannerlint.conf 5 .
.Pp
Where a rule has a fix, its safety tier says when
.Ic bannerlint fix
writes it:
.Cm safe
fixes cannot change where mail goes and are always offered;
.Cm unsafe
fixes change the server's identity and need
.Fl Fl unsafe ;
.Cm manual
rules only describe what to change.
.Ss Choosing rules
.Fl Fl select Ar rule , Ns Ar ...
runs only the rules listed;
.Fl Fl ignore Ar rule , Ns Ar ...
runs all but those.
A rule is named by its id, by its name, or by an id prefix such as
.Li BL2
for a whole family.
The same lists can be kept in the configuration file, for example
.Bd -literal -offset indent
ignore = {{"BL104"}}
.Ed
.Pp
See
.Xr bannerlint.conf 5 ,
which also allows different lists per directory.
.Ss Suppressing a finding
A comment in the linted file, in the comment syntax of its mail server,
suppresses findings in place.
It must give a reason after
.Ql -- :
.Bd -literal -offset indent
# bannerlint: disable=BL101 -- banner text mandated by policy
smtpd_banner = $myhostname ESMTP Postfix
.Ed
.Pp
.Ql disable=
applies to the setting that follows the comment;
.Ql disable-file=
applies to the whole file:
.Bd -literal -offset indent
# bannerlint: disable-file=BL104 -- timestamps kept for the helpdesk
.Ed
.Pp
Several ids may be given, separated by commas.
A suppression that suppresses nothing is itself reported (BL001).
.Fl Fl no-inline-suppressions ,
or
.Ic no-inline-suppressions = true
in the configuration file, makes
.Nm bannerlint
ignore these comments, for policies that allow exceptions only in
reviewed configuration.
.Pp
.Ic bannerlint rules
lists the catalogue and
.Ic bannerlint explain Ar rule
prints the text of one rule as given below.
.Sh RULES"""

GENERIC_INTRO = r""".Sh GENERIC HOST NAME PATTERNS
.Li BL205
.Pq hostname-generic
tries these patterns on each host name, in this order, and names the first
one that matches in its finding.
A name listed in
.Ic allow-hostname
in
.Xr bannerlint.conf 5
is never reported, whatever it matches.
.Bl -tag -width Ds"""

FOOTER = r""".Sh SEE ALSO
.Xr bannerlint 1 ,
.Xr bannerlint.conf 5"""


def id_key(rule_id):
    m = re.match(r"^([A-Za-z]+)(\d+)$", rule_id)
    return (m.group(1), int(m.group(2))) if m else (rule_id, 0)


def main():
    ap = argparse.ArgumentParser(description="Write bannerlint-rules(7).")
    ap.add_argument("--date", default=DEFAULT_DATE,
                    help="the page date, e.g. 'November 23, 2026'")
    ap.add_argument("-o", "--output", help="output file (default stdout)")
    ap.add_argument("files", nargs="+", metavar="RULES_FILE")
    args = ap.parse_args()

    rules, generics, errors, seen = [], [], [], {}
    for path in sorted(args.files, key=os.path.basename):
        try:
            with open(path, "rb") as f:
                data = f.read()
            data.decode("utf-8")
            # One character per byte, as libconfuse sees the file, so that
            # octal and hex escapes make bytes; strings are decoded after.
            top = parse(path, data.decode("latin-1"))
        except OSError as e:
            errors.append("%s: %s" % (path, e.strerror))
            continue
        except UnicodeDecodeError as e:
            errors.append("%s: not UTF-8 (%s)" % (path, e.reason))
            continue
        except RuleFileError as e:
            errors.append(str(e))
            continue
        for sec in top.sections:
            where = "%s:%d" % (sec.path, sec.line)
            if sec.kind not in ("rule", "generic"):
                continue  # the loader judges unknown sections
            if not sec.title:
                errors.append("%s: %s section without an id" %
                              (where, sec.kind))
                continue
            if (sec.kind, sec.title) in seen:
                errors.append("%s: %s %s already defined at %s" %
                              (where, sec.kind, sec.title,
                               seen[(sec.kind, sec.title)]))
                continue
            seen[(sec.kind, sec.title)] = where
            if sec.kind == "generic":
                if not isinstance(sec.opts.get("description"), str):
                    errors.append("%s: generic %s has no description" %
                                  (where, sec.title))
                    continue
                generics.append(sec)
                continue
            missing = [k for k in ("name", "severity", "explain")
                       if not isinstance(sec.opts.get(k), str) or
                       not sec.opts[k].strip()]
            if missing:
                errors.append("%s: rule %s has no %s" %
                              (where, sec.title, " and no ".join(missing)))
                continue
            rules.append(sec)
    if errors:
        for e in errors:
            print("gen-rules-man.py: " + e, file=sys.stderr)
        return 1
    if not rules:
        print("gen-rules-man.py: no rules in the files given", file=sys.stderr)
        return 1

    out = HEADER.format(date=args.date).split("\n")
    for sec in sorted(rules, key=lambda s: id_key(s.title)):
        out += rule_section(sec)
    if generics:
        out += GENERIC_INTRO.split("\n")
        for sec in generics:
            out += [".It %s" % macro_args(sec.title)]
            for x in sentences(sec.opts["description"]):
                out += wrap(text_line(x))
        out.append(".El")
    out += FOOTER.split("\n")
    text = "\n".join(out) + "\n"

    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(text)
        os.replace(tmp, args.output)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
