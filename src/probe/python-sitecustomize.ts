// The `sitecustomize` the gate plants first on a launched Python server's PYTHONPATH (as OpenTelemetry's
// auto-instrumentation loads itself): on a real-time signal no other handler claimed it collects garbage fully,
// counts the live objects per `module.QualName` with their sizes, and writes them atomically beside itself; asked
// for paths, it walks referrers from one instance of each suspect up to a module. It never prints, never raises
// into the app, and runs the app's own sitecustomize after itself.

/** The file name Python imports at startup from the first PYTHONPATH entry that has it. */
export const SITECUSTOMIZE_FILE = 'sitecustomize.py';

/** `ready-<pid>.json`: written by each process that installed the handler; names the signal it listens on. */
export const READY_PREFIX = 'ready-';
/** `request.json`: what the next signal asks for (`census`, or `paths` for names). */
export const REQUEST_FILE = 'request.json';
/** `census-<pid>-<seq>.json`: one answer. */
export const ANSWER_PREFIX = 'census-';

export const SITECUSTOMIZE_SOURCE = String.raw`# Planted by ws-resilience-gate for one run, in a private directory removed after it:
# counts the live objects of this process when the gate asks (a signal), for its leak evidence.
# Silent; the app's own sitecustomize runs next.


def _ws_gate_census_install():
    import gc
    import json
    import os
    import signal
    import sys
    import time

    here = os.path.dirname(os.path.abspath(__file__))
    names = {}
    stdlib = getattr(sys, "stdlib_module_names", frozenset())

    def write_atomically(name, payload):
        final = os.path.join(here, name)
        tmp = os.path.join(here, ".%s.%d.tmp" % (name, os.getpid()))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump(payload, out, separators=(",", ":"))
        os.replace(tmp, final)

    def name_of(t):
        found = names.get(t)
        if found is None:
            module = getattr(t, "__module__", None) or "?"
            qualname = getattr(t, "__qualname__", None) or getattr(t, "__name__", "?")
            top = module.split(".")[0]
            kind = "builtin" if module == "builtins" else "stdlib" if top in stdlib else "object"
            found = (kind, "%s.%s" % (module, qualname))
            names[t] = found
        return found

    def census():
        gc.collect()
        objs = gc.get_objects()
        counts = {}
        is_tracked = gc.is_tracked
        get_referents = gc.get_referents
        getsizeof = sys.getsizeof
        seen = set()

        def count(o):
            key = name_of(type(o))
            try:
                size = getsizeof(o)
            except Exception:
                size = 0
            entry = counts.get(key)
            if entry is None:
                counts[key] = [1, size]
            else:
                entry[0] += 1
                entry[1] += size

        for o in objs:
            count(o)
            # Strings, bytes and numbers are not tracked by the collector: count those a tracked object holds, once.
            for r in get_referents(o):
                if not is_tracked(r) and id(r) not in seen:
                    seen.add(id(r))
                    count(r)
        del objs
        return [[k[0], k[1], v[0], v[1]] for k, v in counts.items()]

    def edge_from(parent, child, modules):
        """The edge from parent to child, and what to call parent: (edge, kind, label)."""
        if isinstance(parent, dict):
            for k, v in parent.items():
                if v is child:
                    key = k if isinstance(k, str) else repr(k)
                    if id(parent) in modules:
                        return key, "property", "module " + modules[id(parent)]
                    return key, "element", "builtins.dict"
            return "", "internal", "builtins.dict"
        if isinstance(parent, (list, tuple)):
            for i, v in enumerate(parent):
                if v is child:
                    return str(i), "element", name_of(type(parent))[1]
        code = getattr(parent, "__code__", None)
        if code is not None and getattr(parent, "__closure__", None):
            for name, cell in zip(code.co_freevars, parent.__closure__):
                if cell is child:
                    return name, "property", getattr(parent, "__qualname__", "function") + "()"
        attrs = getattr(parent, "__dict__", None)
        if isinstance(attrs, dict):
            for k, v in attrs.items():
                if v is child:
                    return k, "property", name_of(type(parent))[1]
        return "", "internal", name_of(type(parent))[1]

    def paths_to(wanted):
        """Breadth-first from every module's globals: the shortest path to one instance of each wanted class."""
        import collections

        modules = {}
        for name, module in list(sys.modules.items()):
            d = getattr(module, "__dict__", None)
            if isinstance(d, dict) and id(d) not in modules:
                modules[id(d)] = name
        parent = {}
        found = {}
        queue = collections.deque()
        for name, module in list(sys.modules.items()):
            d = getattr(module, "__dict__", None)
            if isinstance(d, dict) and id(d) not in parent:
                parent[id(d)] = None
                queue.append(d)
        is_tracked = gc.is_tracked
        get_referents = gc.get_referents
        while queue and len(found) < len(wanted):
            obj = queue.popleft()
            for child in get_referents(obj):
                if not is_tracked(child) or id(child) in parent:
                    continue
                parent[id(child)] = obj
                label = name_of(type(child))[1]
                if label in wanted and label not in found:
                    found[label] = child
                queue.append(child)
        paths = {}
        for label in wanted:
            child = found.get(label)
            if child is None:
                paths[label] = None
                continue
            steps = []
            node = child
            while parent.get(id(node)) is not None and len(steps) < 40:
                holder = parent[id(node)]
                steps.append(edge_from(holder, node, modules) + (holder,))
                node = holder
            # Root first: each node after the first is reached by the edge its holder (the node before) holds it by.
            chain = list(reversed(steps))
            path = [{"edge": "", "kind": "hidden", "node": chain[0][2]}] if chain else []
            for i, (edge, kind, _, _) in enumerate(chain):
                following = chain[i + 1][2] if i + 1 < len(chain) else label
                path.append({"edge": edge, "kind": kind, "node": following})
            paths[label] = path
        return paths

    def answer():
        with open(os.path.join(here, "request.json")) as f:
            request = json.load(f)
        started = time.perf_counter()
        payload = {"pid": os.getpid(), "seq": request["seq"]}
        if request.get("mode") == "paths":
            gc.collect()
            payload["paths"] = paths_to(set(request.get("names", [])))
        else:
            payload["classes"] = census()
        payload["ms"] = round((time.perf_counter() - started) * 1000)
        write_atomically("census-%d-%d.json" % (os.getpid(), request["seq"]), payload)

    def on_signal(signum, frame):
        try:
            answer()
        except Exception:
            pass

    chosen = None
    for number in range(signal.SIGRTMIN + 6, signal.SIGRTMAX - 4):
        if signal.getsignal(number) == signal.SIG_DFL:
            chosen = number
            break
    if chosen is None:
        return

    def announce():
        write_atomically(
            "ready-%d.json" % os.getpid(),
            {"pid": os.getpid(), "signal": chosen, "python": sys.version.split()[0], "executable": sys.executable},
        )

    signal.signal(chosen, on_signal)
    announce()
    if hasattr(os, "register_at_fork"):
        # A forked worker keeps the handler: it says so under its own pid.
        os.register_at_fork(after_in_child=lambda: _ws_gate_quietly(announce))


def _ws_gate_quietly(action):
    try:
        action()
    except Exception:
        pass


def _ws_gate_chain():
    # The app's own sitecustomize (or the distribution's), as site.py would have imported it without us.
    import importlib.machinery
    import importlib.util
    import os
    import sys

    try:
        here = os.path.dirname(os.path.abspath(__file__))
        rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is None or spec.loader is None:
            return
        module = importlib.util.module_from_spec(spec)
    except Exception:
        return
    sys.modules["sitecustomize"] = module
    try:
        spec.loader.exec_module(module)
    except Exception as err:
        if sys.flags.verbose:
            sys.excepthook(*sys.exc_info())
        else:
            sys.stderr.write("Error in sitecustomize; set PYTHONVERBOSE for traceback:\n%s: %s\n" % (err.__class__.__name__, err))


if __import__("sys").platform != "win32":
    _ws_gate_quietly(_ws_gate_census_install)
_ws_gate_chain()
`;
