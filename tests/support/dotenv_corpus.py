"""Hand-written dotenv cases for the differential test against phpdotenv (tests/integration/test_dotenv_differential.py).

Each case is ``(id, text, environment)``: the file's exact text and the process environment phpdotenv runs in
(``None`` for an empty one). Grouped by the classes of disagreement the parser was fixed for; each group holds
cases that phpdotenv accepts and cases it refuses. Byte-level cases (CRLF, CR, BOM) are written as escapes, since
the tree holds no such bytes.
"""

REAL = {"REAL_HOST": "db.internal", "REAL_EMPTY": "", "APP_ENV": "from-the-environment"}

CASES = [
    # --- invalid escape sequences inside double quotes: Laravel refuses the file
    ("escape-backslash-w", 'A=1\nDB_PASSWORD="s3\\w0rd"\nB=2\n', None),
    ("escape-backslash-space", 'P="a\\ b"\n', None),
    ("escape-single-quote", 'P="it\\\'s"\n', None),
    ("escape-hash", 'P="a\\#b"\n', None),
    ("escape-unicode", 'P="\\u00e9"\n', None),
    ("escape-zero", 'P="\\0"\n', None),
    ("escape-at-line-end", 'A=1\nP="abc\\\nmore"\n', None),
    ("escape-valid-all", 'P="a\\nb\\tc\\rd\\fe\\vf\\"g\\\\h\\$i"\n', None),
    ("escape-n-followed-by-text", 'P="\\nabc\\tdef"\n', None),
    ("escape-dollar-not-a-reference", 'A=x\nP="\\${A}"\n', None),
    ("escape-double-backslash-then-reference", 'A=x\nP="\\\\${A}"\n', None),
    ("escape-in-single-quotes-literal", "P='a\\w\\n\\\\'\n", None),
    ("escape-in-unquoted-literal", "P=a\\wb\\n\n", None),
    # --- single-quoted values spanning lines: refused
    ("single-quote-multiline", "A=1\nKEY='line one\nline two'\nB=2\n", None),
    ("single-quote-unclosed", "A='open\n", None),
    ("single-quote-unclosed-last-line", "A=1\nB='x", None),
    ("single-quote-with-double-inside", "A='say \"hi\"'\n", None),
    # --- comments after unquoted values
    ("hash-glued-to-value", "H=abc#def\n", None),
    ("hash-after-space", "H=abc # comment\n", None),
    ("empty-then-comment", "EMPTY= # comment\n", None),
    ("only-hash", "H=#\n", None),
    ("hash-inside-double-quotes", 'H="abc#def" # real comment\n', None),
    ("hash-inside-single-quotes", "H='abc # def'\n", None),
    ("hash-after-closing-quote-no-space", 'H="abc"#c\n', None),
    ("text-after-closing-quote", 'H="abc" def\n', None),
    ("text-after-closing-single-quote", "H='abc'def\n", None),
    ("app-debug-commented-true", "APP_DEBUG=false#true\nAPP_ENV=production # staging\n", None),
    ("indented-comment-line", "   # A=1\nB=2\n", None),
    # --- escape decoding and quoting
    ("double-quote-escaped-quote", 'Q="say \\"hi\\""\n', None),
    ("double-quote-empty", 'Q=""\n', None),
    ("single-quote-empty", "Q=''\n", None),
    ("double-quote-spaces-kept", 'Q="  padded  "\n', None),
    ("quote-in-unquoted-value", "Q=it's\n", None),
    ("double-quote-in-unquoted-value", 'Q=say"hi"\n', None),
    ("quote-opens-after-text", "Q=abc'def'\n", None),
    ("backslash-unquoted", "Q=C:\\path\\to\n", None),
    ("equals-in-value", "Q=a=b=c\n", None),
    ("url-with-query", "URL=https://x.test/a?b=c&d=e#frag\n", None),
    # --- ${VAR} interpolation: earlier definitions and the real environment only
    ("ref-earlier", "A=one\nB=${A}-two\n", None),
    ("ref-later-stays-literal", "B=${A}-two\nA=one\n", None),
    ("ref-undefined-stays-literal", "B=${MISSING}\n", None),
    ("ref-in-double-quotes", 'A=one\nB="x ${A} y"\n', None),
    ("ref-in-single-quotes-literal", "A=one\nB='${A}'\n", None),
    ("ref-dollar-without-braces", "A=one\nB=$A\n", None),
    ("ref-nested-braces", "A=one\nB=${${A}}\n", None),
    ("ref-cascade", "A={X}\nX=inner\nB=$${A}\n", None),
    ("ref-redefined-between", "A=1\nB=${A}\nA=2\nC=${A}\n", None),
    ("ref-to-cleared", "A=1\nA\nB=${A}\n", None),
    ("ref-real-environment", "URL=postgres://${REAL_HOST}/db\n", REAL),
    ("ref-real-empty", "B=x${REAL_EMPTY}y\n", REAL),
    ("real-environment-wins", "APP_ENV=production\nB=${APP_ENV}\n", REAL),
    ("ref-dotted-name", "A.B=dot\nC=${A.B}\n", None),
    ("ref-invalid-name-chars", "A=1\nB=${A-B}\n", None),
    ("ref-empty-braces", "B=${}\n", None),
    ("ref-self", "A=${A}\n", None),
    ("ref-unclosed-brace", "A=1\nB=${A\n", None),
    # --- multi-line values
    ("multiline-trailing-spaces-first-line", 'M="first   \nsecond"\n', None),
    ("multiline-leading-spaces", 'M="\n   indented\n"\n', None),
    ("multiline-pem", 'KEY="-----BEGIN KEY-----\nMIIBOgIBAAJBAK\n-----END KEY-----"\nNEXT=1\n', None),
    ("multiline-comment-after-close", 'M="a\nb" # c\nN=2\n', None),
    ("multiline-escaped-quote-inside", 'M="a\\"\nb"\nN=2\n', None),
    ("multiline-with-assignment-inside", 'M="open\nB=2\nC="x"\n', None),
    ("multiline-inner-start-line", 'M="open\nX="y\nstill"\nN=2\n', None),
    ("multiline-inner-opening", 'M="a\nB="\nN=2\n', None),
    ("multiline-closing-line-only-quote", 'M="a\n"\nN=2\n', None),
    ("multiline-double-backslash-before-quote", 'M="a\nb\\\\"\nN=2\n', None),
    # --- silent losses
    ("commented-open-quote-swallows", '# OLD="unfinished\nA=1\nB=2\nC="closed"\nD=4\n', None),
    ("commented-open-quote-to-eof", '#X="open\nA=1\nB=2\n', None),
    ("unclosed-double-quote-drops-rest", 'A=1\nB="open\nC=3\nD=4\n', None),
    ("unclosed-double-quote-last-line", 'A=1\nB="open', None),
    ("open-quote-mid-value", 'A=x="y\nB=2\n', None),
    # --- lines phpdotenv accepts that look wrong
    ("bare-name", "A=1\nFEATURE_X\nB=2\n", None),
    ("bare-name-clears-earlier", "A=1\nA\n", None),
    ("bare-name-indented", "A=1\n  B\n", None),
    ("bare-name-trailing-space", "B \n", None),
    ("export-tab", "export\tA=1\n", None),
    ("export-spaces", "export    LONGNAME=1\n", None),
    ("export-short-name", "export D=2\n", None),
    ("export-nine-chars", "export AB=2\n", None),
    ("export-no-space", "exportAB=2\n", None),
    ("export-only", "export=1\n", None),
    ("export-bare", "export ABCDEF\n", None),
    ("export-uppercase", "EXPORT ABC=1\n", None),
    ("quoted-name-double", '"QUOTED"=1\n', None),
    ("quoted-name-single", "'QUOTED'=1\n", None),
    ("quoted-name-mismatched", "\"QUOTED'=1\n", None),
    ("quoted-name-short", '"A"=1\n', None),
    ("quoted-name-two-chars", '""=1\n', None),
    ("name-leading-digit", "1ABC=1\n", None),
    ("name-leading-dot", ".A=1\n", None),
    ("name-only-digits", "123=x\n", None),
    ("name-with-dash", "A-B=1\n", None),
    ("name-with-space", "A B=1\n", None),
    ("name-spaces-around-equals", "A = 1\n", None),
    ("name-empty", "=value\n", None),
    ("name-unicode-letter", "CAFÉ=1\n", None),
    ("name-unicode-cjk", "名前=1\n", None),
    ("name-unicode-combining-mark", "E\u0301=1\n", None),
    ("name-unicode-digit", "A\u0663=1\n", None),
    ("name-lowercase", "lower_case=1\n", None),
    # --- whitespace in unquoted values
    ("unquoted-space", "APP_NAME=Facturino Cloud\n", None),
    ("unquoted-tab", "A=a\tb\n", None),
    ("unquoted-trailing-space", "A=abc   \n", None),
    ("unquoted-leading-space", "A=   abc\n", None),
    ("unquoted-formfeed-leading", "A=\fabc\n", None),
    ("unquoted-vertical-tab", "A=\x0babc\x0b\n", None),
    ("unquoted-nbsp", "A=a\u00a0b\n", None),
    ("value-spaces-only", "A=    \n", None),
    # --- BOM, CRLF, lone CR
    ("bom", "\ufeffAPP_ENV=production\nB=2\n", None),
    ("bom-twice", "\ufeff\ufeffA=1\n", None),
    ("crlf", "A=1\r\nB=\"two words\"\r\nC=3\r\n", None),
    ("crlf-multiline", "A=\"one\r\ntwo\"\r\nB=2\r\n", None),
    ("crlf-inline-comment", "A=1 # c\r\nB=2\r\n", None),
    ("lone-cr", "A=1\rB=2\r", None),
    ("mixed-endings", "A=1\r\nB=2\nC=3\rD=4\n", None),
    # --- duplicates, empties, layout
    ("duplicate-last-wins", "A=1\nA=2\n", None),
    ("empty-file", "", None),
    ("only-comments", "# a\n# b\n", None),
    ("no-trailing-newline", "A=1\nB=2", None),
    ("blank-lines-and-indent", "\n\n   A=1\n\t\tB=2\n\n", None),
    ("many-keys-one-bad", "A=1\nB=2\nC=3\nD=4\nE=5\nF=bad value\nG=7\n", None),
    ("two-errors-first-wins", "A=1\nB=\"x\\w\"\nC=two words\n", None),
    ("laravel-example", "APP_NAME=Laravel\nAPP_ENV=local\nAPP_KEY=base64:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
                        "APP_DEBUG=true\nAPP_URL=http://localhost\n\nLOG_CHANNEL=stack\n\nDB_CONNECTION=pgsql\n"
                        "DB_HOST=127.0.0.1\nDB_PORT=5432\nDB_PASSWORD=\n\nMAIL_FROM_NAME=\"${APP_NAME}\"\n", None),
]


# Generated files: random lines from the pieces the hand-written cases are made of, with a fixed seed so a failure
# reproduces. They catch the interactions no hand-written case thought of.
GENERATED_SEED = 20261205
GENERATED_COUNT = 120
GENERATED_ENVIRONMENT = {"A": "real$A", "KEY": ""}
_NAMES = ("A", "B", "KEY", "A.B", "export A_LONG", "export\tAB", '"QN"', "'QS'", "\u00c91", "1X", "A B", "lower",
          "export D", "C_D")
_BODY = ("a", "b c", "${A}", "${B}", "$", "\\n", "\\", "\\w", "\\$", "#x", " #c", "\n", "\u00e9", "=", '\\"', "'",
         '"', "${KEY}x", "{", "}")
_TAILS = ("", "", " # c", "#c", " x", "  ")


def generated(seed=GENERATED_SEED, count=GENERATED_COUNT):
    """``[(id, text, environment)]``: ``count`` random files of one to six lines each."""
    import random

    rnd = random.Random(seed)
    cases = []
    for number in range(count):
        lines = []
        for _line in range(rnd.randint(1, 6)):
            kind = rnd.random()
            name = rnd.choice(_NAMES)
            if kind < 0.1:
                lines.append("# " + rnd.choice(('X="open', "c", 'Y="a"')))
            elif kind < 0.15:
                lines.append(name)
            else:
                quote = rnd.choice(("", "", '"', "'", '"'))
                body = "".join(rnd.choice(_BODY) for _piece in range(rnd.randint(0, 5)))
                lines.append(name + rnd.choice(("=", " = ", "= ")) + quote + body + quote + rnd.choice(_TAILS))
        text = rnd.choice(("\n", "\n", "\r\n")).join(lines) + rnd.choice(("", "\n"))
        cases.append(("generated-%03d" % number, text, GENERATED_ENVIRONMENT))
    return cases
