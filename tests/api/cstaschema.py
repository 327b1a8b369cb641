"""The children of every message the server sends, in schema order, from
cstaschema.txt (shared with the C unit test). CstaClient checks each
message it receives against it; messages not listed (or made of a single
choice) are not checked."""
import os


def _load():
    order = {}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "cstaschema.txt")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, children = line.split(":", 1)
                order[name.strip()] = children.split()
    return order


ORDER = _load()


def order_error(name, children):
    """Why the children (local names, in document order) of a message
    called name break its schema order, or None."""
    order = ORDER.get(name)
    if order is None:
        return None
    last = -1
    for child in children:
        if child not in order:
            return f"{name}: <{child}> is not one of its children"
        at = order.index(child)
        if at <= last:
            return f"{name}: <{child}> is out of schema order ({children})"
        last = at
    return None
