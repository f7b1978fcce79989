"""An RSA key pair for the ssh plugin, made by ``ssh-keygen`` (Volcano: 2048 bits, PKCS#1 PEM).

``ssh-keygen`` is used because the ``cryptography`` package is not a Basalt dependency; a
controller host without it refuses ssh jobs with a clear error rather than building keyless pods.
"""

from __future__ import annotations

import asyncio
import pathlib
import shutil
import tempfile

from basalt import errors

BITS = 2048


async def rsa_keypair() -> tuple[str, str]:
    """(private key PEM, public key in authorized_keys form)."""
    tool = shutil.which("ssh-keygen")
    if tool is None:
        raise errors.Unavailable("the ssh job plugin needs ssh-keygen on the controller's PATH "
                                 "(install openssh-client) to generate the job's key pair")
    with tempfile.TemporaryDirectory(prefix="basalt-ssh-") as tmp:
        path = pathlib.Path(tmp) / "id_rsa"
        proc = await asyncio.create_subprocess_exec(
            tool, "-q", "-t", "rsa", "-b", str(BITS), "-m", "PEM", "-N", "", "-C", "", "-f", str(path),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        output, _ = await proc.communicate()
        if proc.returncode != 0:
            raise errors.Unavailable(f"ssh-keygen failed ({proc.returncode}): {output.decode(errors='replace')}")
        return path.read_text(), path.with_suffix(".pub").read_text()
