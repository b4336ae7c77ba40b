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
            found = ("builtin" if module == "builtins" else "object", "%s.%s" % (module, qualname))
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

    def module_dicts():
        found = {}
        for name, module in list(sys.modules.items()):
            d = getattr(module, "__dict__", None)
            if d is not None:
                found[id(d)] = name
        return found

    def step_towards(holder, node, modules):
        """The edge from holder to node, and what to call holder: (edge, kind, label, done)."""
        if isinstance(holder, dict):
            edge = next((repr(k) if not isinstance(k, str) else k for k, v in holder.items() if v is node), "?")
            if id(holder) in modules:
                return edge, "property", "module " + modules[id(holder)], True
            return edge, "element", "builtins.dict", False
        if isinstance(holder, (list, tuple)):
            index = next((str(i) for i, v in enumerate(holder) if v is node), "?")
            return index, "element", name_of(type(holder))[1], False
        attrs = getattr(holder, "__dict__", None)
        if isinstance(attrs, dict):
            edge = next((k for k, v in attrs.items() if v is node), None)
            if edge is not None:
                return edge, "property", name_of(type(holder))[1], False
        if type(holder).__name__ == "cell":
            return "", "internal", "cell", False
        return "", "internal", name_of(type(holder))[1], False

    def path_to(wanted, objs):
        target = None
        for o in reversed(objs):
            if name_of(type(o))[1] == wanted:
                target = o
                break
        if target is None:
            return None
        modules = module_dicts()
        frame = sys._getframe()
        skip = {id(objs), id(frame)}
        steps = []
        node = target
        visited = {id(target)}
        for _ in range(10):
            holders = [
                h for h in gc.get_referrers(node)
                if id(h) not in skip and id(h) not in visited and type(h).__name__ != "frame"
            ]
            if not holders:
                break
            # A module's globals end the walk; an instance that owns the node comes before a bare container.
            holders.sort(key=lambda h: 0 if id(h) in modules else 1 if not isinstance(h, (dict, list, tuple)) else 2)
            holder = holders[0]
            edge, kind, label, done = step_towards(holder, node, modules)
            steps.append([edge, kind, label])
            if done:
                break
            # An instance's attribute dict (before Python 3.11): step to the instance itself.
            if isinstance(holder, dict) and id(holder) not in modules:
                owners = [o for o in gc.get_referrers(holder) if getattr(o, "__dict__", None) is holder]
                if owners:
                    steps[-1] = [edge, "property", name_of(type(owners[0]))[1]]
                    visited.add(id(holder))
                    holder = owners[0]
            visited.add(id(holder))
            node = holder
        # Root first: each step names the holder and the edge from it to the next node.
        result = []
        labels = [s[2] for s in reversed(steps)] + [wanted]
        edges = [s[0] for s in reversed(steps)]
        kinds = [s[1] for s in reversed(steps)]
        for i, label in enumerate(labels):
            if i == 0:
                result.append({"edge": "", "kind": "hidden", "node": label})
            else:
                result.append({"edge": edges[i - 1], "kind": kinds[i - 1], "node": label})
        return result

    def answer():
        with open(os.path.join(here, "request.json")) as f:
            request = json.load(f)
        started = time.perf_counter()
        payload = {"pid": os.getpid(), "seq": request["seq"]}
        if request.get("mode") == "paths":
            gc.collect()
            objs = gc.get_objects()
            payload["paths"] = {name: path_to(name, objs) for name in request.get("names", [])}
            del objs
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
