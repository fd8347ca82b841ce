"""The output folder: the only place a build writes, and nothing it holds is followed.

Every file operation goes through a descriptor of the output folder (and of its
`fact-sheets/` folder) and opens names with O_NOFOLLOW: a symbolic link planted
inside the folder (the sheets folder, the lock, the manifest, a document) is
refused or replaced, never followed. `--output` itself is the user's choice and
may be a link.

A build writes its documents to temporary files as they arrive and renames them
into place only once every document of the build has rendered (`Batch`): a
failure leaves the previous documents, all of them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError, UsageError
from .messages import _, reason

TMP_MARK = ".tmp-"
LOCK = ".cfsi-lock"
SHEETS = "fact-sheets"
_NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC
_READ = os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW  # O_NONBLOCK: a FIFO never hangs the open


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never a part.

    For files the user names (`new`, `template`); documents go through `OutputFolder`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        with open(tmp, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class OutputFolder:
    """An output folder opened once; names inside it are relative (`fact-sheets/x.docx`)."""

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        try:
            if create:
                path.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise UsageError(
                _("cannot use the output folder {folder}: {reason}").format(
                    folder=path, reason=reason(exc)
                )
            ) from None
        self._sheets: int | None = None

    def close(self) -> None:
        for fd in (self._sheets, self._fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._sheets = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- where a name lives -------------------------------------------------

    def _sheets_fd(self, create: bool) -> int | None:
        """Open `fact-sheets/` without following a link; create it if asked."""
        if self._sheets is not None:
            return self._sheets
        flags = os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW
        try:
            self._sheets = os.open(SHEETS, flags, dir_fd=self._fd)
        except FileNotFoundError:
            if not create:
                return None
            try:
                os.mkdir(SHEETS, dir_fd=self._fd)
                self._sheets = os.open(SHEETS, flags, dir_fd=self._fd)
            except OSError as exc:
                raise self._error(SHEETS, exc) from None
        except OSError as exc:
            if not create:
                return None
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise OutputError(
                    _(
                        "{path}: is a link or a file, not a folder; the tool writes only inside"
                        " the output folder (remove it, or choose another --output)"
                    ).format(path=self.path / SHEETS)
                ) from None
            raise self._error(SHEETS, exc) from None
        return self._sheets

    def _place(self, name: str, create: bool = False) -> tuple[int | None, str]:
        folder, _, base = name.rpartition("/")
        if not folder:
            return self._fd, base
        if folder != SHEETS:
            raise ValueError(f"not a document name: {name}")
        return self._sheets_fd(create), base

    def _error(self, name: str, exc: OSError) -> OutputError:
        return OutputError(
            _("{path}: cannot be written ({reason})").format(
                path=self.path / name, reason=reason(exc)
            )
        )

    # --- reading --------------------------------------------------------------

    def read(self, name: str, limit: int) -> bytes | None:
        """Return a regular file's bytes, or None if absent, not regular, a link or too big."""
        fd, base = self._place(name)
        if fd is None:
            return None
        try:
            handle = os.open(base, _READ, dir_fd=fd)
        except OSError:
            return None
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            chunks, total = [], 0
            while chunk := os.read(handle, 1 << 20):
                total += len(chunk)
                if total > limit:
                    return None
                chunks.append(chunk)
            return b"".join(chunks)
        except OSError:
            return None
        finally:
            os.close(handle)

    def sha256(self, name: str, size: int | None = None) -> str | None:
        """Return the hash of a regular file (of `size` bytes, if given), else None."""
        import hashlib

        fd, base = self._place(name)
        if fd is None:
            return None
        try:
            handle = os.open(base, _READ, dir_fd=fd)
        except OSError:
            return None
        try:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or (size is not None and info.st_size != size):
                return None
            digest = hashlib.sha256()
            while chunk := os.read(handle, 1 << 20):
                digest.update(chunk)
            return digest.hexdigest()
        except OSError:
            return None
        finally:
            os.close(handle)

    def exists(self, name: str) -> bool:
        """Tell whether `name` is there (as anything, a link included)."""
        fd, base = self._place(name)
        if fd is None:
            return False
        try:
            os.stat(base, dir_fd=fd, follow_symlinks=False)
        except OSError:
            return False
        return True

    # --- writing --------------------------------------------------------------

    def prepare(self, names: list[str]) -> None:
        """Make sure the documents can be written, before anything is rendered."""
        top = [n for n in names if "/" not in n]
        inside = [n for n in names if "/" in n]
        self._no_folders(top)
        if inside:
            self._sheets_fd(create=True)
            self._no_folders(inside)

    def _no_folders(self, names: list[str]) -> None:
        for name in names:
            fd, base = self._place(name)
            assert fd is not None
            try:
                info = os.stat(base, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise self._error(name, exc) from None
            if stat.S_ISDIR(info.st_mode):
                raise OutputError(
                    _("{path}: is a folder where the document goes (move it away)").format(
                        path=self.path / name
                    )
                )

    def write_temporary(self, name: str, data: bytes) -> str:
        """Write `data` beside `name` under a temporary name; return that name."""
        fd, base = self._place(name, create=True)
        assert fd is not None
        tmp = f".{base}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
        try:
            handle = os.open(tmp, flags, 0o666, dir_fd=fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(handle, view) :]
                os.fsync(handle)
            finally:
                os.close(handle)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=fd)
            raise self._error(name, exc) from None
        folder = name.rpartition("/")[0]
        return f"{folder}/{tmp}" if folder else tmp

    def commit(self, tmp: str, name: str) -> None:
        """Rename a temporary file onto `name` (a link there is replaced, not followed)."""
        fd, base = self._place(name)
        tfd, tbase = self._place(tmp)
        try:
            os.replace(tbase, base, src_dir_fd=tfd, dst_dir_fd=fd)
        except OSError as exc:
            raise self._error(name, exc) from None

    def remove(self, name: str) -> None:
        """Remove `name` (a link itself, never what it points to)."""
        fd, base = self._place(name)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.unlink(base, dir_fd=fd)

    def keep_aside(self, name: str) -> str:
        """Rename `name` to `<stem>.edited-<n><ext>` with the first free n; return the new name.

        Never clobbers an earlier copy: the new name is made with a hard link, which fails
        when it exists, and only then is the old name removed.
        """
        fd, base = self._place(name)
        assert fd is not None
        stem, dot, ext = base.rpartition(".")
        if not dot:
            stem, ext = base, ""
        folder = name.rpartition("/")[0]
        for n in range(1, 100_000):
            kept = f"{stem}.edited-{n}{dot}{ext}"
            try:
                os.link(base, kept, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                    raise self._error(name, exc) from None
                # A file system without hard links: check, then rename.
                try:
                    os.stat(kept, dir_fd=fd, follow_symlinks=False)
                    continue
                except FileNotFoundError:
                    pass
                try:
                    os.rename(base, kept, src_dir_fd=fd, dst_dir_fd=fd)
                except OSError as exc2:
                    raise self._error(name, exc2) from None
            else:
                try:
                    os.unlink(base, dir_fd=fd)
                except OSError as exc:
                    raise self._error(name, exc) from None
            return f"{folder}/{kept}" if folder else kept
        raise OutputError(_("{path}: too many edited copies").format(path=self.path / name))

    def write(self, name: str, data: bytes) -> None:
        """Write one file atomically."""
        self.commit(self.write_temporary(name, data), name)

    def clean_stale(self) -> int:
        """Remove temporary files a killed build left behind; return how many."""
        removed = 0
        for fd in (self._fd, self._sheets_fd(create=False)):
            if fd is None:
                continue
            try:
                names = os.listdir(fd)
            except OSError:
                continue
            for base in names:
                if base.startswith(".") and TMP_MARK in base:
                    with contextlib.suppress(OSError):
                        os.unlink(base, dir_fd=fd)
                        removed += 1
        return removed

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the folder for one build: a second build waits for no one, it stops."""
        import fcntl

        flags = os.O_RDWR | os.O_CREAT | _NOFOLLOW | os.O_NONBLOCK
        try:
            handle = self._open_lock(flags)
        except OSError as exc:
            raise UsageError(
                _("cannot write to the output folder {folder}: {reason}").format(
                    folder=self.path, reason=reason(exc)
                )
            ) from None
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise UsageError(
                    _("another build is writing to {folder}; try again when it ends").format(
                        folder=self.path
                    )
                ) from None
            yield
        finally:
            os.close(handle)  # closing the only descriptor releases the lock

    def _open_lock(self, flags: int) -> int:
        try:
            handle = os.open(LOCK, flags, 0o666, dir_fd=self._fd)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            handle = -1
        if handle >= 0 and stat.S_ISREG(os.fstat(handle).st_mode):
            return handle
        if handle >= 0:
            os.close(handle)
        # A link (or a FIFO) planted as the lock: replaced, never followed.
        os.unlink(LOCK, dir_fd=self._fd)
        return os.open(LOCK, flags | os.O_EXCL, 0o666, dir_fd=self._fd)


class Batch:
    """Documents staged as temporary files, renamed into place together by `commit()`."""

    def __init__(self, folder: OutputFolder) -> None:
        self.folder = folder
        self.staged: list[tuple[str, str]] = []

    def add(self, name: str, data: bytes) -> None:
        self.staged.append((self.folder.write_temporary(name, data), name))

    def commit(self) -> None:
        while self.staged:
            tmp, name = self.staged.pop(0)
            self.folder.commit(tmp, name)

    def discard(self) -> None:
        for tmp, _name in self.staged:
            self.folder.remove(tmp)
        self.staged = []
