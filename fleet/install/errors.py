"""The one way an install stops: the step that failed, what happened, what to check, and an
exit code per step, so a script around `locker install` can tell them apart."""

# exit code of each step (2 is argparse's own: a bad command line)
EXIT_CODES = {
    "image": 3,
    "probe": 4,
    "provision": 5,
    "write": 6,
    "config": 7,
    "online": 8,
    "build": 9,
}


class InstallError(Exception):
    """Stops the install: one line naming the step, exit code EXIT_CODES[step]."""

    def __init__(self, step, message):
        super().__init__("%s: %s" % (step, message))
        self.step, self.message = step, message

    @property
    def exit_code(self):
        return EXIT_CODES.get(self.step, 1)
