"""Was a gradient derived? Watch a backward pass for the shortcuts a numerical estimate takes.

An exercise whose point is a derivative earns its points for a gradient worked out with the
chain rule. While a student's function runs, `Watch` notes
- every call from outside the kit into its gradient helpers (`coursekit.numerical`,
  `coursekit.gradcheck`, the checks and their reference net): they are there to check a
  gradient, not to produce one;
- the function calling itself, or the given forward pass, more often than a backward pass
  ever needs to: a finite-difference loop evaluates the forward pass twice per entry.
`Watch.shortcut` is then one line saying what was seen, else None. The visible checks and the
hidden tests use the same watch, so a numerical gradient fails both, with the same words.
"""

import importlib
import pkgutil
import sys
import types

KIT_MODULES = ("coursekit.numerical", "coursekit.gradcheck")
NOT_WATCHED = ("derived", "a5_expressions")  # this module; the expressions a test builds
SELF_CALLS = 2  # a backward pass may call its own function again (net.loss(X) for scores)
FORWARD_CALLS = 1  # ... and its forward pass once; a centered difference needs two
WHY = ("this exercise grades the gradient you derive with the chain rule, so a numerical "
       "estimate earns no points (use the kit to check your gradient, not to compute it)")

_kit_codes = None


def _codes_of(obj, name, found):
    """Add the code objects of function or class `obj` (and the functions nested in them)."""
    if isinstance(obj, type):
        for attr, member in vars(obj).items():
            _codes_of(getattr(member, "__func__", member), f"{name}.{attr}", found)
        return
    code = getattr(obj, "__code__", None)
    if isinstance(code, types.CodeType):
        stack = [code]
        while stack:
            c = stack.pop()
            found.setdefault(c, name)
            stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))


def _members(value, depth=2):
    """`value`, or the items of a dict, tuple or list of them (two levels: a table of
    (f, df) pairs)."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (tuple, list)) and depth:
        return [m for v in value for m in _members(v, depth - 1)]
    return [value]


def _kit_modules():
    """The kit's modules that compute or check gradients (every check module included)."""
    modules = [importlib.import_module(m) for m in KIT_MODULES]
    checks = importlib.import_module("coursekit.checks")
    for info in pkgutil.iter_modules(checks.__path__):
        if info.name not in NOT_WATCHED:
            modules.append(importlib.import_module(f"coursekit.checks.{info.name}"))
    return modules


def kit_codes():
    """{code object: 'module.function'} of every function the kit's gradient modules define."""
    global _kit_codes
    if _kit_codes is None:
        found = {}
        for module in _kit_modules():
            for attr, value in vars(module).items():
                for v in _members(value):
                    if getattr(v, "__module__", None) == module.__name__:
                        _codes_of(v, f"{module.__name__}.{attr}", found)
        _kit_codes = found
    return _kit_codes


def code_of(fn):
    """The code object a call of `fn` runs (a function, a bound method), or None."""
    fn = getattr(fn, "__func__", fn)
    return getattr(fn, "__code__", None)


class Watch:
    """Context manager: watch one call of a student's function `fn` (named `name`; None when
    the block runs several of the student's methods) for the shortcuts of a numerical
    gradient. `given`: {name: function} of the forward passes the exercise gives (or the
    student wrote before), which a backward pass needs at most once."""

    def __init__(self, fn, name, given=None):
        self.name, self.codes = name, kit_codes()
        self.own = code_of(fn) if fn is not None else None
        self.given = {code_of(g): n for n, g in (given or {}).items() if code_of(g) is not None}
        self.kit_call, self.self_calls, self.forward_calls = None, -1, {}
        self.switched_off = False
        self._previous, self._hook = None, self._profile  # one bound method, compared by `is`

    def _profile(self, frame, event, _arg):
        """sys.setprofile hook: count the calls that matter."""
        if event != "call":
            return
        code = frame.f_code
        if code is self.own:
            self.self_calls += 1
        elif code in self.given:
            self.forward_calls[code] = self.forward_calls.get(code, 0) + 1
        elif self.kit_call is None and code in self.codes:
            caller = frame.f_back
            if caller is None or caller.f_code not in self.codes:  # the kit's own calls pass
                self.kit_call = self.codes[code]

    def __enter__(self):
        """Start watching (the outer call of `fn` counts as its first call)."""
        self._previous = sys.getprofile()
        sys.setprofile(self._hook)
        return self

    def __exit__(self, *_exc):
        """Stop watching; a hook replaced meanwhile is itself a shortcut."""
        self.switched_off = sys.getprofile() is not self._hook
        sys.setprofile(self._previous)
        return False

    @property
    def shortcut(self):
        """One line on the numerical shortcut seen, or None."""
        if self.kit_call is not None:
            return f"{self.name} called {self.kit_call}, a course-kit helper; {WHY}."
        if self.switched_off:
            return f"{self.name} switched off the checker's watch (sys.setprofile); {WHY}."
        if self.self_calls > SELF_CALLS:
            return (f"{self.name} called itself {self.self_calls} times for one result, as a "
                    f"finite-difference loop does; {WHY}.")
        for code, count in self.forward_calls.items():
            if count > FORWARD_CALLS:
                return (f"{self.name} ran {self.given[code]} {count} times for one result, as "
                        f"a finite-difference loop does; {WHY}.")
        return None
