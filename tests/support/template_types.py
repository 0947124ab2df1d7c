"""Find templated values that meet arithmetic or comparison without a cast.

ansible-core 2.19 keeps native types through templating; 2.17 and 2.18 render a templated variable to a string
(`monitor_window: "{{ a / b }}"` is the string "300.0" there). A play that compares or computes with such a value
works on 2.19 and fails on 2.18 (`'<' not supported between instances of 'str' and 'float'`), or, worse, compares
a string with a number and quietly takes the wrong branch. The rule this module checks: wherever a variable meets
arithmetic, an ordering comparison, an equality test against a number or a boolean, `min`/`max`/`sum` over a list
written in the template, or `range()`, it goes through a cast first (`| int`, `| float`, `| bool`, `| length`, ...).

Each Jinja expression in the YAML (every string holding `{{`/`{%`, and the bare expressions of `when`,
`failed_when`, `changed_when`, `until` and `assert`'s `that`) is parsed with Jinja's own parser and walked.
"""

import glob
import os

import yaml
from jinja2 import Environment, nodes

# Filters whose result has a known type whatever their input (the input is checked where it matters).
TYPED_FILTERS = {"int", "float", "bool", "length", "count", "string", "round", "abs", "sum", "min", "max",
                 "to_json", "to_nice_json", "b64encode", "hash", "checksum", "regex_replace", "lower", "upper",
                 "trim", "quote", "basename", "dirname", "join", "wordcount", "type_debug", "urlencode"}
# Filters that make a list or a dictionary: `+` on their result is concatenation.
COLLECTION_FILTERS = {"list", "map", "select", "reject", "selectattr", "rejectattr", "unique", "flatten", "dict2items",
                      "items2dict", "sort", "difference", "union", "intersect", "symmetric_difference", "zip",
                      "combine", "dict", "split", "batch", "slice", "from_json", "from_yaml"}
# Filters that pass their input through: the result is as typed as the input.
PASSTHROUGH_FILTERS = {"default", "d", "first", "last", "random", "ternary", "mandatory"}
# Filters that do arithmetic or ordering on their input list.
NUMERIC_LIST_FILTERS = {"min", "max", "sum"}
# Filters that need a number in: `"5" | round` fails.
NUMERIC_INPUT_FILTERS = {"round", "abs"}
ARITHMETIC = (nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow)
ORDERING = {"lt", "gt", "lteq", "gteq"}
EQUALITY = {"eq", "ne"}
CONDITION_KEYS = {"when", "failed_when", "changed_when", "until", "that"}
# Loop counters are integers in every ansible-core.
TYPED_NAMES = {"loop", "ansible_loop"}

_ENV = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


def _short(name):
    return name.rsplit(".", 1)[-1]


def is_typed(node):
    """True when ``node``'s value has the same Python type on every supported ansible-core."""
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Compare, nodes.Not, nodes.Test, nodes.Concat)):
        return True
    if isinstance(node, nodes.Filter):
        return _short(node.name) not in PASSTHROUGH_FILTERS
    if isinstance(node, nodes.Call):
        # computed inside the expression (`now().timestamp()`, `x.split()`): native on every core; lookups are text
        return not (isinstance(node.node, nodes.Name) and node.node.name in ("lookup", "query", "q"))
    if isinstance(node, (nodes.Neg, nodes.Pos)):
        return is_typed(node.node)
    if isinstance(node, (nodes.Add,) + ARITHMETIC):
        return is_typed(node.left) and is_typed(node.right)
    if isinstance(node, (nodes.And, nodes.Or)):
        return is_typed(node.left) and is_typed(node.right)
    if isinstance(node, nodes.CondExpr):
        return is_typed(node.expr1) and (node.expr2 is None or is_typed(node.expr2))
    if isinstance(node, (nodes.Getattr, nodes.Getitem)):
        root = node
        while isinstance(root, (nodes.Getattr, nodes.Getitem)):
            root = root.node
        return isinstance(root, nodes.Name) and root.name in TYPED_NAMES
    return False


STRING_FILTERS = {"string", "to_json", "to_nice_json", "join", "lower", "upper", "trim", "quote", "basename",
                  "dirname", "regex_replace", "replace"}


def _is_concatenation_operand(node):
    """A string, list or dictionary operand: ``+`` is concatenation, not arithmetic."""
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str)
    if isinstance(node, (nodes.List, nodes.Tuple, nodes.Dict, nodes.Concat)):
        return True
    if isinstance(node, nodes.Add):
        return _is_concatenation_operand(node.left) or _is_concatenation_operand(node.right)
    if isinstance(node, nodes.CondExpr):
        return _is_concatenation_operand(node.expr1) and (node.expr2 is None or _is_concatenation_operand(node.expr2))
    if isinstance(node, nodes.Filter):
        name = _short(node.name)
        if name in STRING_FILTERS or name in COLLECTION_FILTERS:
            return True
        if name in ("default", "d") and node.args:
            return _is_concatenation_operand(node.args[0])
    return False


def _uncast(operand):
    """The operands under ``operand`` that nothing casts (arithmetic below reports its own)."""
    if isinstance(operand, (nodes.Add,) + ARITHMETIC + (nodes.Neg, nodes.Pos)):
        return []
    if isinstance(operand, nodes.CondExpr):
        return _uncast(operand.expr1) + (_uncast(operand.expr2) if operand.expr2 is not None else [])
    if isinstance(operand, (nodes.And, nodes.Or)):
        return _uncast(operand.left) + _uncast(operand.right)
    if isinstance(operand, nodes.Filter) and _short(operand.name) in PASSTHROUGH_FILTERS and operand.node is not None:
        return [operand] if not is_typed(operand) else []
    return [] if is_typed(operand) else [operand]


def _is_number_or_bool(node):
    return isinstance(node, nodes.Const) and isinstance(node.value, (int, float, bool)) and node.value is not None


def _source(node):
    """A short rendering of an operand for the message."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return "%s.%s" % (_source(node.node), node.attr)
    if isinstance(node, nodes.Getitem):
        return "%s[...]" % _source(node.node)
    if isinstance(node, nodes.Filter):
        return "%s | %s" % (_source(node.node) if node.node is not None else "", node.name)
    if isinstance(node, nodes.Call):
        return "%s(...)" % _source(node.node)
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return type(node).__name__


def expression_faults(tree):
    """Messages for every uncast operand in a parsed template."""
    faults = []
    # `{% set n = x | int %}` in a template file: `n` is as typed as what was assigned
    local_typed = {assign.target.name for assign in tree.find_all(nodes.Assign)
                   if isinstance(assign.target, nodes.Name) and is_typed(assign.node)}
    for node in tree.find_all(nodes.Node):
        operands, what = [], None
        if isinstance(node, ARITHMETIC):
            operands, what = [node.left, node.right], "arithmetic"
        elif isinstance(node, nodes.Add):
            if not (_is_concatenation_operand(node.left) or _is_concatenation_operand(node.right)):
                operands, what = [node.left, node.right], "arithmetic"
        elif isinstance(node, (nodes.Neg, nodes.Pos)):
            operands, what = [node.node], "arithmetic"
        elif isinstance(node, nodes.Compare):
            chain = [node.expr] + [op.expr for op in node.ops]
            for index, op in enumerate(node.ops):
                left, right = chain[index], chain[index + 1]
                if op.op in ORDERING:
                    operands.extend([left, right])
                    what = "comparison '%s'" % op.op
                elif op.op in EQUALITY and (_is_number_or_bool(left) or _is_number_or_bool(right)):
                    operands.extend([left, right])
                    what = "equality with a number or a boolean"
        elif isinstance(node, nodes.Filter) and node.node is not None:
            name = _short(node.name)
            if name in NUMERIC_LIST_FILTERS and isinstance(node.node, (nodes.List, nodes.Tuple)):
                operands, what = list(node.node.items), "'%s' over a list" % name
            elif name in NUMERIC_INPUT_FILTERS:
                operands, what = [node.node], "'%s'" % name
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) and node.node.name == "range":
            operands, what = list(node.args), "range()"
        for operand in operands:
            for leaf in _uncast(operand):
                if isinstance(leaf, nodes.Name) and leaf.name in local_typed:
                    continue
                faults.append("%s meets %s without a cast (| int, | float, | bool)" % (_source(leaf), what))
    return faults


def template_faults(text, bare=False):
    """Faults of one YAML string; ``bare`` for a conditional (an expression without braces)."""
    source = "{{ %s }}" % text if bare else text
    return expression_faults(_ENV.parse(source))


def _strings(value, key=None, path=""):
    """(path, text, bare) for every templated string and conditional in a loaded YAML value."""
    if isinstance(value, dict):
        for sub_key, sub in value.items():
            yield from _strings(sub, sub_key, "%s.%s" % (path, sub_key) if path else str(sub_key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _strings(sub, key, "%s[%d]" % (path, index))
    elif isinstance(value, str):
        if key in CONDITION_KEYS and "{{" not in value and "{%" not in value:
            yield path, value, True
        elif "{{" in value or "{%" in value:
            yield path, value, False
    elif isinstance(value, bool) or value is None:
        return


def yaml_faults(text, name="<yaml>"):
    """Faults of every template in one YAML document stream."""
    faults = []
    for document in yaml.safe_load_all(text):
        for path, source, bare in _strings(document):
            faults.extend("%s: %s: %s" % (name, path, fault) for fault in template_faults(source, bare))
    return faults


def file_faults(path, name):
    """Faults of one YAML file or Jinja template file (``*.j2``)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if path.endswith(".j2"):
        return ["%s: %s" % (name, fault) for fault in template_faults(text)]
    return yaml_faults(text, name)


def repository_files(root):
    """What the plays template: playbooks, roles (templates too) and the sandbox inventory (not the CI workflow example)."""
    patterns = ("playbooks/**/*.yml", "roles/**/*.yml", "inventories/**/*.yml", "playbooks/**/*.j2", "roles/**/*.j2")
    found = set()
    for pattern in patterns:
        found.update(glob.glob(os.path.join(root, pattern), recursive=True))
    return sorted(path for path in found if "/meta/" not in path)
