#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Write the Microsoft Exchange export fixtures under fixtures/exchange/.

THE FIXTURES ARE SYNTHETIC. No public export of Get-ReceiveConnector or
Get-SendConnector was found (reference/formats.md 4.4), and there is no
PowerShell here: every file is written from the documented structure of
the four forms PowerShell writes (Format-List text, Export-Csv,
Export-Clixml, ConvertTo-Json), in the encodings and line endings Windows
PowerShell 5.1 and PowerShell 7 write them. Where a detail is not
documented it is marked "(assumed)" below.

    tests/exchange/make-fixtures.py [--root FIXTURES_EXCHANGE_DIR]

Deterministic (fixed GUIDs and dates, no clock, no randomness) and
re-runnable: a second run changes nothing. The script owns the input files
of every case directory under fixtures/exchange/ and the README.md there:
it rewrites those that differ, removes the input files and case
directories it no longer makes, and never touches the lead's files
(expect.*, .expect.*, args, fix-args, needs, formats).
"""
import argparse
import datetime
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ROOT = os.path.join(HERE, "..", "..", "fixtures", "exchange")

# What a case directory holds beside its inputs (tests/golden/run.py).
NOT_INPUT = re.compile(r"^(\.?expect\..*|args|fix-args|needs|formats)$")

# ---------------------------------------------------------------------------
# Values. A property value is None ($null), bool, int, str, or one of:


class Guid(str):
    """a System.Guid (CLIXML <G>)"""


class Date:
    """a System.DateTime with its offset (CLIXML <DT>)"""

    def __init__(self, y, mo, d, h, mi, s, offset_hours):
        tz = datetime.timezone(datetime.timedelta(hours=offset_hours))
        self.dt = datetime.datetime(y, mo, d, h, mi, s, tzinfo=tz)

    def en_us(self):
        # how ToString() shows it in en-US (CSV, Format-List)
        h = self.dt.hour % 12 or 12
        return "%d/%d/%d %d:%02d:%02d %s" % (
            self.dt.month, self.dt.day, self.dt.year, h, self.dt.minute,
            self.dt.second, "AM" if self.dt.hour < 12 else "PM")

    def de_de(self):
        return self.dt.strftime("%d.%m.%Y %H:%M:%S")

    def iso(self):
        return self.dt.isoformat()

    def epoch_ms(self):
        return int(self.dt.timestamp()) * 1000


class AdObject(str):
    """an ADObjectId the serializer cut at its depth: CLIXML writes an
    <Obj> with only its type names and <ToString> (assumed shape)"""


class Mvp(list):
    """a MultiValuedProperty`1[[element type]] (CLIXML <Obj><LST>)"""

    def __init__(self, element, items):
        super().__init__(items)
        self.element = element


def mvp_type(element):
    return ("Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1"
            "[[%s, Microsoft.Exchange.Data, Version=15.0.0.0, "
            "Culture=neutral, PublicKeyToken=31bf3856ad364e35]]" % element)


RECEIVE_TYPES = [
    "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration."
    "ReceiveConnector",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADObject",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADRawEntry",
    "Deserialized.System.Object",
]
SEND_TYPES = [
    "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration."
    "SmtpSendConnectorConfig",
    "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration."
    "MailGateway",
    "Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration."
    "SendConnector",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADConfigurationObject",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADObject",
    "Deserialized.Microsoft.Exchange.Data.Directory.ADRawEntry",
    "Deserialized.System.Object",
]
ADOBJECTID_TYPES = [
    "Deserialized.Microsoft.Exchange.Data.Directory.ADObjectId",
    "Deserialized.System.Object",
]

RUNSPACE = Guid("6c1f4f3e-2b7a-4d0c-9a55-3e1d2c4b5a69")
COMPUTER = "ex01.corp.mail-host.net"
CHANGED = Date(2016, 11, 24, 15, 20, 14, 1)
ALL_V6 = "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
ALL_V4 = "0.0.0.0-255.255.255.255"
INTERNAL_RANGES = ["10.0.0.0-10.255.255.255", "172.16.0.0-172.31.255.255",
                   "192.168.0.0-192.168.255.255",
                   "fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                   "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]

ANON = "AnonymousUsers, ExchangeServers, ExchangeLegacyServers"
FRONTEND_AUTH = "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer"


def dn(name, server="EX01"):
    return ("CN=%s,CN=SMTP Receive Connectors,CN=Protocols,CN=%s,"
            "CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),"
            "CN=Administrative Groups,CN=Example,CN=Microsoft Exchange,"
            "CN=Services,CN=Configuration,DC=corp,DC=mail-host,DC=net"
            % (name, server))


def receive(name, banner, ports, role="FrontendTransport", perms=ANON,
            auth=FRONTEND_AUTH, ranges=None, fqdn="EX01.corp.mail-host.net",
            server="EX01", addrs=("[::]", "0.0.0.0"), comment=None):
    """a receive connector's properties, in Get-ReceiveConnector's order
    (the order of Format-List in the Exchange Management Shell, assumed
    from the documented property list)"""
    if ranges is None:
        ranges = [ALL_V6, ALL_V4]
    bindings = ["%s:%d" % (a, p) for p in ports for a in addrs]
    return [
        ("RunspaceId", RUNSPACE),
        ("AuthMechanism", auth),
        ("Banner", banner),
        ("BinaryMimeEnabled", True),
        ("Bindings", Mvp("Microsoft.Exchange.Data.IPBinding", bindings)),
        ("ChunkingEnabled", True),
        ("DefaultDomain", None),
        ("DeliveryStatusNotificationEnabled", True),
        ("EightBitMimeEnabled", True),
        ("SmtpUtf8Enabled", True),
        ("BareLinefeedRejectionEnabled", False),
        ("DomainSecureEnabled", False),
        ("EnhancedStatusCodesEnabled", True),
        ("LongAddressesEnabled", False),
        ("OrarEnabled", False),
        ("SuppressXAnonymousTls", False),
        ("ProxyEnabled", False),
        ("AdvertiseClientSettings", False),
        ("Fqdn", fqdn),
        ("ServiceDiscoveryFqdn", None),
        ("TlsCertificateName", None),
        ("Comment", comment),
        ("Enabled", True),
        ("ConnectionTimeout", "00:10:00"),
        ("ConnectionInactivityTimeout", "00:05:00"),
        ("MessageRateLimit", "Unlimited"),
        ("MaxInboundConnection", "5000"),
        ("MaxInboundConnectionPerSource", "Unlimited"),
        ("MaxInboundConnectionPercentagePerSource", 100),
        ("MaxHeaderSize", "128 KB (131,072 bytes)"),
        ("MaxMessageSize", "36 MB (37,748,736 bytes)"),
        ("MaxRecipientsPerMessage", 200),
        ("PermissionGroups", perms),
        ("PipeliningEnabled", True),
        ("ProtocolLoggingLevel", "None"),
        ("RemoteIPRanges", Mvp("Microsoft.Exchange.Data.IPRange", ranges)),
        ("RequireEHLODomain", False),
        ("RequireTLS", False),
        ("TransportRole", role),
        ("Server", AdObject(server)),
        ("DistinguishedName", dn(name, server)),
        ("Identity", "%s\\%s" % (server, name)),
        ("Name", name),
        ("WhenChanged", CHANGED),
        ("ExchangeVersion", "0.1 (8.0.535.0)"),
        ("IsValid", True),
    ]


def send(name, fqdn, smarthosts=(), spaces=("SMTP:*;1",)):
    """a send connector's properties (Get-SendConnector)"""
    return [
        ("RunspaceId", RUNSPACE),
        ("AddressSpaces", Mvp("Microsoft.Exchange.Data.AddressSpace",
                              list(spaces))),
        ("AuthenticationCredential", None),
        ("CloudServicesMailEnabled", False),
        ("Comment", None),
        ("ConnectedDomains", Mvp("Microsoft.Exchange.Data.ConnectedDomain",
                                 [])),
        ("ConnectionInactivityTimeOut", "00:10:00"),
        ("DNSRoutingEnabled", len(smarthosts) == 0),
        ("DomainSecureEnabled", False),
        ("Enabled", True),
        ("ErrorPolicies", "Default"),
        ("ForceHELO", False),
        ("Fqdn", fqdn),
        ("FrontendProxyEnabled", False),
        ("IgnoreSTARTTLS", False),
        ("IsScopedConnector", False),
        ("IsSmtpConnector", True),
        ("MaxMessageSize", "35 MB (36,700,160 bytes)"),
        ("Port", 25),
        ("ProtocolLoggingLevel", "None"),
        ("RequireTLS", False),
        ("SmartHostAuthMechanism", "None"),
        ("SmartHosts", Mvp("Microsoft.Exchange.Data.SmartHost",
                           list(smarthosts))),
        ("SmartHostsString", " ".join(smarthosts)),
        ("SmtpMaxMessagesPerConnection", 20),
        ("SourceIPAddress", "0.0.0.0"),
        ("SourceTransportServers", Mvp(
            "Microsoft.Exchange.Data.Directory.ADObjectId", ["EX01"])),
        ("TlsAuthLevel", None),
        ("TlsDomain", None),
        ("UseExternalDNSServersEnabled", False),
        ("Identity", name),
        ("Name", name),
        ("DistinguishedName",
         "CN=%s,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),"
         "CN=Routing Groups,CN=Exchange Administrative Group "
         "(FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Example,"
         "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=corp,"
         "DC=mail-host,DC=net" % name),
        ("WhenChanged", CHANGED),
        ("IsValid", True),
    ]


# The remoting note properties (Export-Csv and ConvertTo-Json show them
# after the object's own; Export-Clixml puts them in <MS>).
REMOTING = [("PSComputerName", COMPUTER), ("PSShowComputerName", False)]

# ---------------------------------------------------------------------------
# PowerShell flavours: "5.1" (Windows PowerShell, the Exchange Management
# Shell's host) and "7" (PowerShell 7 with a remote Exchange session).


def text_value(v, culture="en-US"):
    """the value's ToString() as Export-Csv writes it: a deserialized
    collection is an ArrayList whose ToString joins with a space"""
    if v is None:
        return None
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, Date):
        return v.de_de() if culture == "de-DE" else v.en_us()
    if isinstance(v, list):
        return " ".join(v)
    return str(v)


# -- Format-List ------------------------------------------------------------

LIST_WIDTH = 120  # the console host's width; Out-File wraps at it
ENUM_LIMIT = 4    # $FormatEnumerationLimit


def list_value(v, ps):
    if isinstance(v, list):
        shown = list(v[:ENUM_LIMIT])
        text = ", ".join(shown)
        if len(v) > ENUM_LIMIT:
            text += "..." if ps == "5.1" else "\u2026"
        return "{" + text + "}"
    if v is None:
        return ""
    return text_value(v)


def get_words(line):
    """PowerShell's StringManipulationHelper.GetWords: each word with the
    blank that ends it"""
    word = ""
    for ch in line:
        if ch in " \t":
            yield word, ch
            word = ""
        else:
            word += ch
    yield word, ""


def wrap(val, first, following):
    """PowerShell's GenerateLinesWithWordWrap (the formatter's wrapping in
    en, fr, de, it, pt and es cultures; others cut mid-word): a line break
    goes before a word that does not fit, so the blank after the last word
    of a line stays at the line's end; a word longer than a line is cut.
    Every character is one cell here (the fixtures hold no wide ones)."""
    out = []
    for line in val.replace("\r", "").split("\n"):
        if len(line) <= first:
            out.append(line)
            continue
        spaces_left = width = first
        first_line = True
        single = ""
        for word, delim in get_words(line):
            w = word + delim
            if len(w) > width:
                for ch in w:
                    if spaces_left < 1:
                        out.append(single)
                        single = ch
                        if first_line:
                            first_line = False
                            width = following
                        spaces_left = width - 1
                    else:
                        single += ch
                        spaces_left -= 1
            elif len(w) > spaces_left:
                out.append(single)
                single = w
                if first_line:
                    first_line = False
                    width = following
                spaces_left = width - len(w)
            else:
                single += w
                spaces_left -= len(w)
        out.append(single)
    return out


def render_list(objs, ps):
    """Format-List: blank lines around, "Name : Value" with the names padded
    to the longest, long values wrapped (wrap above) onto lines that start
    under the value column. Windows PowerShell keeps the space after the
    colon of an empty value; for PowerShell 7 the line ends at the colon
    (assumed: the reader takes both)."""
    blocks = []
    for props in objs:
        width = max(len(n) for n, _ in props)
        col = width + 3
        room = LIST_WIDTH - col
        lines = []
        for name, v in props:
            text = list_value(v, ps)
            head = name.ljust(width) + " : "
            if text == "":
                lines.append(head if ps == "5.1" else head.rstrip())
                continue
            chunks = wrap(text, room, room)
            lines.append(head + chunks[0])
            lines.extend(" " * col + c for c in chunks[1:])
        blocks.append("\n".join(lines))
    return "\n\n" + "\n\n".join(blocks) + "\n\n\n"


# -- Export-Csv --------------------------------------------------------------


def csv_field(v, culture):
    t = text_value(v, culture)
    if t is None:
        return ""  # $null: an empty field without quotes
    return '"' + t.replace('"', '""') + '"'


def render_csv(objs, ps, type_name, delim=",", culture="en-US"):
    """Export-Csv: #TYPE in Windows PowerShell (PowerShell 7 leaves it out),
    a header of the first object's names, every field quoted"""
    lines = []
    if ps == "5.1":
        lines.append("#TYPE " + type_name)
    names = [n for n, _ in objs[0] + REMOTING]
    lines.append(delim.join('"%s"' % n for n in names))
    for props in objs:
        d = dict(props + REMOTING)
        lines.append(delim.join(csv_field(d.get(n), culture) for n in names))
    return "\n".join(lines) + "\n"


# -- Export-Clixml -----------------------------------------------------------


def xml_text(s):
    """a string as the serializer writes it (MS-PSRP 2.2.5.3.2): control
    characters as _xHHHH_, an underscore that starts "_x" as _x005F_, then
    XML's own escapes"""
    out = []
    for i, ch in enumerate(s):
        o = ord(ch)
        if o < 0x20 or 0xd800 <= o <= 0xdfff or o in (0xfffe, 0xffff):
            out.append("_x%04X_" % o)
        elif ch == "_" and s[i + 1:i + 2] == "x":
            out.append("_x005F_")
        elif ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        else:
            out.append(ch)
    return "".join(out)


class Clixml:
    """the RefId counters of one Export-Clixml document"""

    def __init__(self):
        self.obj = 0
        self.tn = {}
        self.lines = []

    def type_names(self, names, ind):
        key = tuple(names)
        if key in self.tn:
            self.lines.append(ind + '<TNRef RefId="%d" />' % self.tn[key])
            return
        self.tn[key] = len(self.tn)
        self.lines.append(ind + '<TN RefId="%d">' % self.tn[key])
        for t in names:
            self.lines.append(ind + "  <T>%s</T>" % xml_text(t))
        self.lines.append(ind + "</TN>")

    def prop(self, name, v, ind):
        n = xml_text(name)
        if v is None:
            self.lines.append(ind + '<Nil N="%s" />' % n)
        elif isinstance(v, bool):
            self.lines.append(ind + '<B N="%s">%s</B>'
                              % (n, "true" if v else "false"))
        elif isinstance(v, int):
            self.lines.append(ind + '<I32 N="%s">%d</I32>' % (n, v))
        elif isinstance(v, Guid):
            self.lines.append(ind + '<G N="%s">%s</G>' % (n, v))
        elif isinstance(v, Date):
            self.lines.append(ind + '<DT N="%s">%s</DT>' % (n, v.iso()))
        elif isinstance(v, Mvp):
            self.lines.append(ind + '<Obj N="%s" RefId="%d">' % (n, self.obj))
            self.obj += 1
            self.type_names([mvp_type(v.element),
                             "Deserialized.Microsoft.Exchange.Data."
                             "MultiValuedPropertyBase",
                             "Deserialized.System.Object"], ind + "  ")
            if len(v) == 0:
                self.lines.append(ind + "  <LST />")
            else:
                self.lines.append(ind + "  <LST>")
                for item in v:
                    self.lines.append(ind + "    <S>%s</S>" % xml_text(item))
                self.lines.append(ind + "  </LST>")
            self.lines.append(ind + "</Obj>")
        elif isinstance(v, AdObject):
            self.lines.append(ind + '<Obj N="%s" RefId="%d">' % (n, self.obj))
            self.obj += 1
            self.type_names(ADOBJECTID_TYPES, ind + "  ")
            self.lines.append(ind + "  <ToString>%s</ToString>" % xml_text(v))
            self.lines.append(ind + "</Obj>")
        else:
            self.lines.append(ind + '<S N="%s">%s</S>' % (n, xml_text(v)))

    def object(self, props, types):
        self.lines.append('  <Obj RefId="%d">' % self.obj)
        self.obj += 1
        self.type_names(types, "    ")
        self.lines.append("    <ToString>%s</ToString>"
                          % xml_text(dict(props)["Name"]))
        self.lines.append("    <Props>")
        for name, v in props:
            if name != "RunspaceId":
                self.prop(name, v, "      ")
        self.lines.append("    </Props>")
        self.lines.append("    <MS>")
        self.prop("PSComputerName", COMPUTER, "      ")
        self.prop("RunspaceId", RUNSPACE, "      ")
        self.prop("PSShowComputerName", False, "      ")
        self.lines.append("    </MS>")
        self.lines.append("  </Obj>")


def render_clixml(objs, types):
    """Export-Clixml: no XML declaration, two-space indentation"""
    doc = Clixml()
    doc.lines.append('<Objs Version="1.1.0.1" '
                     'xmlns="http://schemas.microsoft.com/powershell/2004/04">')
    for props in objs:
        doc.object(props, types)
    doc.lines.append("</Objs>")
    return "\n".join(doc.lines) + "\n"


# -- ConvertTo-Json ----------------------------------------------------------


def json_string(s, ps):
    """Windows PowerShell (JavaScriptSerializer) escapes ' < > & as \\u0027
    \\u003c \\u003e \\u0026 (PowerShell/PowerShell#7693); PowerShell 7
    (Newtonsoft) does not"""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif o < 0x20:
            out.append("\\u%04x" % o)
        elif ps == "5.1" and ch in "'<>&":
            out.append("\\u%04x" % o)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_scalar(v, ps):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, Date):
        if ps == "5.1":
            return '"\\/Date(%d)\\/"' % v.epoch_ms()
        return json_string(v.iso(), ps)
    return json_string(str(v), ps)


def json51(v, col, ps):
    """Windows PowerShell's layout: members and elements four columns right
    of their bracket, the closing bracket under the opening one, two spaces
    after a colon, an empty array as "[", a blank line, "]" (assumed from
    pasted 5.1 output)"""
    pad = " " * (col + 4)
    if isinstance(v, tuple):  # an object: a tuple of (name, value) pairs
        parts = []
        for name, x in v:
            head = pad + json_string(name, ps) + ":  "
            parts.append(head + json51(x, len(head), ps))
        return "{\n" + ",\n".join(parts) + "\n" + " " * col + "}"
    if isinstance(v, list):
        if len(v) == 0:
            return "[\n\n" + " " * col + "]"
        return ("[\n" + ",\n".join(pad + json51(x, col + 4, ps) for x in v)
                + "\n" + " " * col + "]")
    return json_scalar(v, ps)


def json7(v, level, ps):
    """PowerShell 7's layout: two spaces a level, "[]" when empty"""
    pad = "  " * (level + 1)
    if isinstance(v, tuple):
        parts = [pad + json_string(n, ps) + ": " + json7(x, level + 1, ps)
                 for n, x in v]
        return "{\n" + ",\n".join(parts) + "\n" + "  " * level + "}"
    if isinstance(v, list):
        if len(v) == 0:
            return "[]"
        return ("[\n" + ",\n".join(pad + json7(x, level + 1, ps) for x in v)
                + "\n" + "  " * level + "]")
    return json_scalar(v, ps)


def render_json(objs, ps, wrap_collections=False):
    """ConvertTo-Json | Out-File: one object, or an array of them. With
    wrap_collections, Windows PowerShell's shape of a collection wrapped in
    a PSObject: {"value": [...], "Count": n}"""
    docs = []
    for props in objs:
        members = []
        for name, v in props + REMOTING:
            if isinstance(v, list) and wrap_collections:
                v = (("value", list(v)), ("Count", len(v)))
            elif isinstance(v, list):
                v = list(v)
            members.append((name, v))
        docs.append(tuple(members))
    top = docs[0] if len(docs) == 1 else docs
    if ps == "5.1":
        return json51(top, 0, ps) + "\n"
    return json7(top, 0, ps) + "\n"


# ---------------------------------------------------------------------------
# Encodings and line endings.

ENCODINGS = ["utf16le-bom", "utf8-bom", "utf8", "ascii"]
EOLS = ["crlf", "lf"]
FORMATS = ["list", "csv", "clixml", "json"]
EXT = {"list": "txt", "csv": "csv", "clixml": "xml", "json": "json"}


def encode(text, encoding, eol):
    if eol == "crlf":
        text = text.replace("\n", "\r\n")
    if encoding == "utf16le-bom":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if encoding == "utf8-bom":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    if encoding == "utf8":
        return text.encode("utf-8")
    # Windows PowerShell's ASCII writes "?" for anything else
    return text.encode("ascii", errors="replace")


def flavour(encoding):
    """PowerShell 7 writes UTF-8 without a BOM; the other three are Windows
    PowerShell's (UTF-16LE its default for >, Out-File and Export-Clixml,
    ASCII Export-Csv's, UTF-8 with a BOM for -Encoding UTF8)"""
    return "7" if encoding == "utf8" else "5.1"


def render(fmt, objs, ps, kind):
    types = RECEIVE_TYPES if kind == "receive" else SEND_TYPES
    if fmt == "list":
        return render_list(objs, ps)
    if fmt == "csv":
        return render_csv(objs, ps, types[0])
    if fmt == "clixml":
        return render_clixml(objs, types)
    return render_json(objs, ps, wrap_collections=(
        kind == "send" and ps == "5.1"))


# ---------------------------------------------------------------------------
# The connector sets.


def typical():
    """two connectors: the Internet one with the default (null) banner, the
    client submission one with a clean banner"""
    return [
        receive("Default Frontend EX01", None, [25]),
        receive("Client Frontend EX01", "220 mail.mail-host.net ESMTP", [587],
                perms="ExchangeUsers",
                auth="Tls, Integrated, BasicAuth, BasicAuthRequireTLS"),
    ]


def client(banner=None):
    return receive("Client Frontend EX01", banner, [587],
                   perms="ExchangeUsers",
                   auth="Tls, Integrated, BasicAuth, BasicAuthRequireTLS")


CLEAN = "220 mail.mail-host.net ESMTP"
LEAKY = "220 mail.mail-host.net Microsoft ESMTP MAIL Service ready"

SCENARIOS = [
    ("disa-banner", "receive",
     "the DISA/CIS banner \"220 SMTP Server Ready\" on the port-25 connector",
     lambda: [receive("Default Frontend EX01", "220 SMTP Server Ready", [25]),
              client(CLEAN)]),
    ("leaky-banner", "receive",
     "a banner that names the product on the port-25 connector",
     lambda: [receive("Default Frontend EX01", LEAKY, [25]), client()]),
    ("clean-banner", "receive",
     "the five default connectors of a Mailbox server, a clean banner on "
     "each (no finding)",
     lambda: [
         receive("Default EX01", CLEAN, [2525], role="HubTransport",
                 perms="ExchangeUsers, ExchangeServers, ExchangeLegacyServers"),
         receive("Client Proxy EX01", CLEAN, [465], role="HubTransport",
                 perms="ExchangeUsers, ExchangeServers",
                 auth="Tls, Integrated, BasicAuth, BasicAuthRequireTLS, "
                 "ExchangeServer"),
         receive("Default Frontend EX01", CLEAN, [25]),
         receive("Outbound Proxy Frontend EX01", CLEAN, [717],
                 perms="ExchangeServers",
                 auth="Tls, Integrated, BasicAuth, BasicAuthRequireTLS, "
                 "ExchangeServer"),
         client(CLEAN),
     ]),
    ("internal-leaky", "receive",
     "an internal connector (port 2525, no anonymous users, private "
     "RemoteIPRanges: five, so Format-List truncates and wraps them) with a "
     "leaky banner, beside a clean Internet connector",
     lambda: [
         receive("Default Frontend EX01", CLEAN, [25]),
         receive("Default EX01",
                 "220 ex01.corp.mail-host.net Microsoft ESMTP MAIL Service "
                 "ready", [2525], role="HubTransport",
                 perms="ExchangeUsers, ExchangeServers, ExchangeLegacyServers",
                 ranges=INTERNAL_RANGES),
     ]),
    ("send-fqdn-null", "send",
     "the Internet send connector with Fqdn $null (EHLO names the server)",
     lambda: [send("Internet", None)]),
    ("send-fqdn-set", "send",
     "the Internet send connector with Fqdn mail.mail-host.net, through a "
     "smart host",
     lambda: [send("Internet", "mail.mail-host.net",
                   smarthosts=["smtp.relay-host.net"])]),
    ("banner-quoting", "receive",
     "a Banner holding a double quote, a single quote, a backtick and $ "
     "(the fix script must quote it)",
     lambda: [receive("Default Frontend EX01",
                      "220 mail.mail-host.net ESMTP \"Bob's\" `relay` "
                      "$(Get-Date) $env:USERNAME", [25]), client(CLEAN)]),
    ("identity-quote", "receive",
     "identities holding a single quote and a typographic one "
     "(EX01\\Bob's Connector, EX01\\Ann\u2019s Relay), both with a leaky "
     "banner on port 25",
     lambda: [receive("Bob's Connector", LEAKY, [25],
                      addrs=("192.0.2.10",)),
              receive("Ann\u2019s Relay", LEAKY, [25],
                      addrs=("192.0.2.11",))]),
]

SCENARIO_VARIANTS = [("utf16le-bom", "crlf"), ("utf8", "lf")]

# ---------------------------------------------------------------------------
# Hostile and odd inputs, one file each.


def billion_laughs():
    ents = ['  <!ENTITY lol0 "lol">']
    for i in range(1, 10):
        ents.append('  <!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1)) * 10))
    return ('<?xml version="1.0"?>\n<!DOCTYPE Objs [\n' + "\n".join(ents)
            + '\n]>\n<Objs Version="1.1.0.1" '
            'xmlns="http://schemas.microsoft.com/powershell/2004/04">\n'
            '  <Obj RefId="0">\n    <Props>\n'
            '      <S N="Identity">EX01\\Default Frontend EX01</S>\n'
            '      <S N="Banner">&lol9;</S>\n    </Props>\n  </Obj>\n'
            '</Objs>\n')


def external_entity():
    return ('<?xml version="1.0"?>\n<!DOCTYPE Objs [\n'
            '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
            '<Objs Version="1.1.0.1" '
            'xmlns="http://schemas.microsoft.com/powershell/2004/04">\n'
            '  <Obj RefId="0">\n    <Props>\n'
            '      <S N="Identity">EX01\\Default Frontend EX01</S>\n'
            '      <S N="Banner">&xxe;</S>\n    </Props>\n  </Obj>\n'
            '</Objs>\n')


def truncated_clixml():
    text = render_clixml(typical(), RECEIVE_TYPES)
    # cut inside the second connector's Banner element
    cut = text.index('<S N="Banner">220 mail.mai') + len('<S N="Banner">220 ma')
    return text[:cut]


def nested_json(depth):
    return ('{\n  "Identity": "EX01\\\\Default Frontend EX01",\n'
            '  "Banner": ' + "[" * depth + '"220 mail.mail-host.net ESMTP"'
            + "]" * depth + "\n}\n")


def too_many_fields():
    lines = render_csv(typical(), "5.1", RECEIVE_TYPES[0]).split("\n")
    lines[3] += ',"extra"'  # the second connector's row (line 4)
    return "\n".join(lines)


def garbage_line():
    lines = render_list(typical(), "5.1").split("\n")
    i = lines.index(next(l for l in lines
                         if l.startswith("Banner") and "220" in l))
    # a warning pasted into the file: no " : ", no leading blank
    lines.insert(i + 1, "WARNING: The object EX01\\Client Frontend EX01 "
                 "has been corrupted")
    return "\n".join(lines)


def bad_escape():
    text = render_json(typical(), "7")
    return text.replace('"220 mail.mail-host.net ESMTP"',
                        '"220 mail.mail-host.net \\q ESMTP"', 1)


def semicolon_csv():
    # Export-Csv -UseCulture in a de-DE session: ";" and German dates
    return render_csv(typical(), "5.1", RECEIVE_TYPES[0], delim=";",
                      culture="de-DE")


def huge_banner():
    objs = typical()
    objs[0] = [(n, ("220 mail.mail-host.net " + "A" * (1024 * 1024))
                if n == "Banner" else v) for n, v in objs[0]]
    return render_csv(objs, "5.1", RECEIVE_TYPES[0])


USERS_CSV = ('"Name","SamAccountName","Department","Enabled"\n'
             '"Bob Example","bob","IT","True"\n'
             '"Ann Example","ann","Sales","False"\n')
PACKAGE_JSON = ('{\n  "name": "mail-dashboard",\n  "version": "1.0.0",\n'
                '  "description": "not an export",\n'
                '  "dependencies": {\n    "express": "^4.18.2"\n  }\n}\n')
POM_XML = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<project xmlns="http://maven.apache.org/POM/4.0.0">\n'
           '  <modelVersion>4.0.0</modelVersion>\n'
           '  <groupId>com.example</groupId>\n'
           '  <artifactId>mail</artifactId>\n'
           '  <version>1.0</version>\n</project>\n')

# (case, description, [(file name, text, encoding, eol)])
IGNORE_SCOPE_CONF = """\
# An export has no comments, so a connector is left out here (libconfuse
# strings: a backslash is written twice).
ignore-scope = {"receive/EX01\\\\Client Frontend EX01"}
"""


def leaky_two():
    """two connectors whose banners both name the software"""
    return [receive("Default Frontend EX01",
                    "220 mail.mail-host.net Microsoft ESMTP MAIL Service "
                    "ready", [25]),
            receive("Client Frontend EX01",
                    "220 mail.mail-host.net Microsoft ESMTP MAIL Service "
                    "ready", [587], perms=["ExchangeUsers"])]


SPECIALS = [
    ("huge-banner-csv",
     "a 1 MiB Banner in Export-Csv (ASCII, CRLF): large but well formed",
     [("receive.csv", huge_banner, "ascii", "crlf")]),
    ("bad-clixml-truncated",
     "Export-Clixml cut in the middle of an element (UTF-16LE, CRLF)",
     [("receive.xml", truncated_clixml, "utf16le-bom", "crlf")]),
    ("bad-clixml-billion-laughs",
     "a DOCTYPE with nested entities (billion laughs): refused, fast",
     [("receive.xml", billion_laughs, "utf8", "lf")]),
    ("bad-clixml-external-entity",
     "a DOCTYPE with an external entity (file:///etc/passwd): refused, "
     "nothing read",
     [("receive.xml", external_entity, "utf8", "lf")]),
    ("bad-json-nested-200",
     "a JSON value nested 200 arrays deep (the limit is 64)",
     [("receive.json", lambda: nested_json(200), "utf8", "lf")]),
    ("bad-csv-too-many-fields",
     "Export-Csv with a row of one field more than the header (line 4)",
     [("receive.csv", too_many_fields, "ascii", "crlf")]),
    ("bad-list-garbage-line",
     "Format-List with a line that is neither Name : Value nor a "
     "continuation",
     [("receive.txt", garbage_line, "utf16le-bom", "crlf")]),
    ("bad-json-bad-escape",
     "ConvertTo-Json with an invalid escape (\\q) in a Banner",
     [("receive.json", bad_escape, "utf8", "lf")]),
    ("csv-semicolon",
     "Export-Csv -UseCulture (de-DE): \";\" between fields, German dates "
     "(valid)",
     [("receive.csv", semicolon_csv, "ascii", "crlf")]),
    ("rule-BL306-fires",
     "BL306 fires: the Internet send connector's Fqdn is $null, so EHLO "
     "uses each source server's name (Export-Csv, PowerShell 7)",
     [("send.csv", lambda: render("csv", [send("Internet", None)], "7",
                                  "send"), "utf8", "lf")]),
    ("rule-BL306-clean",
     "BL306 is quiet: the send connector has Fqdn mail.mail-host.net "
     "(Export-Csv, PowerShell 7)",
     [("send.csv", lambda: render("csv", [send("Internet",
                                                "mail.mail-host.net")],
                                  "7", "send"), "utf8", "lf")]),
    ("send-internal-fqdn-null",
     "a send connector to an internal address space (corp.mail-host.net) "
     "with Fqdn $null: BL306 one level lower (ConvertTo-Json, PowerShell 7)",
     [("send.json", lambda: render("json", [send(
         "To Branch", None, spaces=("SMTP:corp.mail-host.net;1",))], "7",
         "send"), "utf8", "lf")]),
    ("config-ignore-scope",
     "a .bannerlint.conf whose ignore-scope leaves out the Client Frontend "
     "connector (an export cannot hold inline suppressions)",
     [("receive.csv", lambda: render("csv", leaky_two(), "7", "receive"),
       "utf8", "lf"),
      (".bannerlint.conf", lambda: IGNORE_SCOPE_CONF, "utf8", "lf")]),
    ("walk-ignores-other-files",
     "a real export under an odd name (connectors.dat, Export-Csv) beside "
     "files that are not exports (users.csv, package.json, pom.xml): only "
     "connectors.dat is read",
     [("connectors.dat",
       lambda: render_csv(typical(), "5.1", RECEIVE_TYPES[0]),
       "ascii", "crlf"),
      ("users.csv", lambda: USERS_CSV, "utf8", "crlf"),
      ("package.json", lambda: PACKAGE_JSON, "utf8", "lf"),
      ("pom.xml", lambda: POM_XML, "utf8", "lf")]),
]

# ---------------------------------------------------------------------------


def cases():
    """{case name: (description, {file name: bytes})}"""
    out = {}
    for fmt in FORMATS:
        for enc in ENCODINGS:
            for eol in EOLS:
                ps = flavour(enc)
                text = render(fmt, typical(), ps, "receive")
                out["matrix-%s-%s-%s" % (fmt, enc, eol)] = (
                    "the typical two-connector receive export as %s, %s, %s "
                    "(PowerShell %s)" % (fmt, enc, eol, ps),
                    {"receive." + EXT[fmt]: encode(text, enc, eol)})
    for name, kind, desc, make in SCENARIOS:
        for enc, eol in SCENARIO_VARIANTS:
            ps = flavour(enc)
            for fmt in FORMATS:
                text = render(fmt, make(), ps, kind)
                out["%s-%s-%s-%s" % (name, fmt, enc, eol)] = (
                    "%s; %s, %s, %s (PowerShell %s)"
                    % (desc, fmt, enc, eol, ps),
                    {"%s.%s" % (kind, EXT[fmt]): encode(text, enc, eol)})
    for name, desc, files in SPECIALS:
        out[name] = (desc, {fn: encode(make(), enc, eol)
                            for fn, make, enc, eol in files})
    return out


README_HEAD = """\
# Microsoft Exchange connector exports

Written by `tests/exchange/make-fixtures.py`; do not edit the inputs by
hand, edit the script and run it again (it rewrites this file too). The
`expect.*` files are the golden test's (`tests/golden/run.py`).

**The inputs are synthetic**: no public export of Get-ReceiveConnector or
Get-SendConnector exists to copy, so each is written from the documented
structure of what PowerShell writes (reference/formats.md section 4).

How the admin made them:

| file | command | Windows PowerShell 5.1 | PowerShell 7 |
|---|---|---|---|
| `receive.txt` | `Get-ReceiveConnector \\| Format-List > receive.txt` | UTF-16LE with BOM | UTF-8 |
| `receive.csv` | `Get-ReceiveConnector \\| Export-Csv receive.csv` | ASCII, `#TYPE` line | UTF-8, no `#TYPE` |
| `receive.xml` | `Get-ReceiveConnector \\| Export-Clixml receive.xml` | UTF-16LE with BOM | UTF-8 |
| `receive.json` | `Get-ReceiveConnector \\| ConvertTo-Json \\| Out-File receive.json` | UTF-16LE with BOM, `\\u0027`-style escapes | UTF-8 |

`send.*` are the same for Get-SendConnector. A case named
`NAME-FORMAT-ENCODING-EOL` is one export in one form: FORMAT is list, csv,
clixml or json; ENCODING utf16le-bom, utf8-bom, utf8 (no BOM: PowerShell 7's
layout and escapes) or ascii; EOL crlf or lf. `bad-*` cases must be
refused with an error at file:line.

The "typical" export: `Default Frontend EX01` (port 25 on `[::]` and
`0.0.0.0`, anonymous users, Banner `$null`) and `Client Frontend EX01`
(port 587, Banner `220 mail.mail-host.net ESMTP`).

Export-Csv and ConvertTo-Json in the UTF-16LE scenario cases were given
`-Encoding Unicode` (Out-File's default); the ASCII matrix cases are Windows
PowerShell's too.

## Cases
"""


def readme(all_cases):
    """README.md: the cases by group, each group's directories by pattern"""
    lines = [README_HEAD.rstrip("\n"), ""]
    lines.append("%d case directories." % len(all_cases))
    lines.append("")
    lines.append("### The matrix (%d)" % (len(FORMATS) * len(ENCODINGS)
                                         * len(EOLS)))
    lines.append("")
    lines.append("`matrix-FORMAT-ENCODING-EOL`, every format, encoding and "
                 "line ending: the typical export, `receive.txt`, "
                 "`receive.csv`, `receive.xml` or `receive.json`.")
    lines.append("")
    lines.append("### Scenarios (%d)" % (len(SCENARIOS) * len(FORMATS)
                                        * len(SCENARIO_VARIANTS)))
    lines.append("")
    lines.append("`NAME-FORMAT-utf16le-bom-crlf` (Windows PowerShell's "
                 "default) and `NAME-FORMAT-utf8-lf` (PowerShell 7) for each "
                 "FORMAT:")
    lines.append("")
    for name, kind, desc, _ in SCENARIOS:
        lines.append("- `%s` (`%s.*`): %s" % (name, kind, desc))
    lines.append("")
    lines.append("### Hostile and odd inputs (%d)" % len(SPECIALS))
    lines.append("")
    for name, desc, files in SPECIALS:
        lines.append("- `%s` (%s): %s" % (
            name, ", ".join("`%s`" % f[0] for f in files), desc))
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_if_changed(path, data, changed):
    if os.path.exists(path):
        with open(path, "rb") as f:
            if f.read() == data:
                return
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
    changed.append(path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=DEFAULT_ROOT)
    a = ap.parse_args()
    root = os.path.normpath(a.root)
    os.makedirs(root, exist_ok=True)
    all_cases = cases()
    changed, removed = [], []
    for name, (_, files) in sorted(all_cases.items()):
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        for fn, data in sorted(files.items()):
            write_if_changed(os.path.join(d, fn), data, changed)
        for fn in sorted(os.listdir(d)):
            p = os.path.join(d, fn)
            if fn not in files and not NOT_INPUT.match(fn) and \
                    os.path.isfile(p):
                os.remove(p)
                removed.append(p)
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if name in all_cases or not os.path.isdir(d):
            continue
        for fn in sorted(os.listdir(d)):
            p = os.path.join(d, fn)
            if NOT_INPUT.match(fn):
                continue
            if os.path.isdir(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
            removed.append(p)
        if not os.listdir(d):
            os.rmdir(d)
        else:
            print("%s: no longer made; only the expectations are left"
                  % d, file=sys.stderr)
    write_if_changed(os.path.join(root, "README.md"), readme(all_cases),
                     changed)
    print("%d cases; %d files written, %d removed"
          % (len(all_cases), len(changed), len(removed)))


if __name__ == "__main__":
    main()
