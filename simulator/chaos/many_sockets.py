"""paho-mqtt waits on its socket with select.select(), which cannot watch a descriptor numbered
1024 or above; a fleet of 160-odd simulated boards in one process passes that. This gives paho
the same call built on poll(), which has no such ceiling. Only the chaos harness installs it:
a real board, and the simulator's ordinary runs, hold a handful of sockets."""

import select as _select

import paho.mqtt.client as _paho

_READ, _WRITE = (
    _select.POLLIN | _select.POLLPRI | _select.POLLHUP | _select.POLLERR,
    _select.POLLOUT,
)


class _PollSelect:
    error = _select.error

    @staticmethod
    def select(rlist, wlist, xlist, timeout=None):
        poller, by_fd = _select.poll(), {}
        for kind, items in ((_READ, rlist), (_WRITE, wlist)):
            for item in items:
                fd = item if isinstance(item, int) else item.fileno()
                by_fd[fd] = by_fd.get(fd, (item, 0))[0], by_fd.get(fd, (item, 0))[1] | kind
        for fd, (_, mask) in by_fd.items():
            poller.register(fd, mask)
        events = poller.poll(None if timeout is None else timeout * 1000)
        ready = dict(events)
        readable = [
            i for i in rlist if ready.get(i if isinstance(i, int) else i.fileno(), 0) & _READ
        ]
        writable = [
            i for i in wlist if ready.get(i if isinstance(i, int) else i.fileno(), 0) & _WRITE
        ]
        return readable, writable, []


def install():
    _paho.select = _PollSelect
