from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2OwaspHasher(Argon2PasswordHasher):
    """Argon2id with the OWASP minimum parameters (19 MiB, t=2, p=1).

    About 70 ms of CPU per check on a 2-core machine, where Django's default (t=2, 100 MiB,
    p=8) costs more memory than a burst of pupils signing in together can afford.
    A hash made with other parameters is upgraded at the next successful login.
    """

    algorithm = "argon2"
    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1
