#!/usr/bin/python3
"""A FUSE file system whose fsync and fsyncdir never return: a failing disk as the agent's
state directory sees it (writes land, syncs hang). Everything else passes through to a backing
directory. Killing this process fails the hung syncs (ENOTCONN) and ends the mount.

Usage: hung_fsync_fs.py BACKING MOUNTPOINT      (root; Debian's python3-fusepy)
Once mounted it writes "mounted" on standard output; each sync it holds is counted in
BACKING/../syncs-held (one byte per sync), so a test can wait for the first one.
"""
import errno
import os
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations


class HungSync(Operations):
    def __init__(self, backing, held_path):
        self.backing = backing
        self.held_path = held_path
        self.forever = threading.Event()

    def _path(self, path):
        return os.path.join(self.backing, path.lstrip("/"))

    def _hold(self):
        with open(self.held_path, "ab") as held:
            held.write(b".")
        self.forever.wait()
        raise FuseOSError(errno.EIO)

    # The syncs a failing disk never completes.
    def fsync(self, path, datasync, fh):
        self._hold()

    def fsyncdir(self, path, datasync, fh):
        self._hold()

    # Everything else, passed through.
    def access(self, path, mode):
        if not os.access(self._path(path), mode):
            raise FuseOSError(errno.EACCES)

    def getattr(self, path, fh=None):
        try:
            st = os.lstat(self._path(path))
        except OSError as error:
            raise FuseOSError(error.errno)
        return {key: getattr(st, key) for key in (
            "st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_size", "st_uid")}

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._path(path))

    def readlink(self, path):
        return os.readlink(self._path(path))

    def mkdir(self, path, mode):
        os.mkdir(self._path(path), mode)

    def rmdir(self, path):
        os.rmdir(self._path(path))

    def unlink(self, path):
        os.unlink(self._path(path))

    def rename(self, old, new):
        os.rename(self._path(old), self._path(new))

    def chmod(self, path, mode):
        os.chmod(self._path(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._path(path), uid, gid)

    def utimens(self, path, times=None):
        os.utime(self._path(path), times)

    def statfs(self, path):
        st = os.statvfs(self._path(path))
        return {key: getattr(st, key) for key in (
            "f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag",
            "f_frsize", "f_namemax")}

    def open(self, path, flags):
        return os.open(self._path(path), flags)

    def create(self, path, mode, fi=None):
        return os.open(self._path(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)

    def read(self, path, size, offset, fh):
        return os.pread(fh, size, offset)

    def write(self, path, data, offset, fh):
        return os.pwrite(fh, data, offset)

    def truncate(self, path, length, fh=None):
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            os.truncate(self._path(path), length)

    def flush(self, path, fh):
        return 0

    def release(self, path, fh):
        os.close(fh)


def main():
    backing, mountpoint = sys.argv[1], sys.argv[2]
    held = os.path.join(os.path.dirname(os.path.abspath(backing)), "syncs-held")
    open(held, "wb").close()

    def announce():
        # FUSE() blocks for the mount's life: say "mounted" once the kernel shows it.
        for _ in range(500):
            with open("/proc/self/mountinfo") as mounts:
                if any(f" {mountpoint} " in line for line in mounts):
                    print("mounted", flush=True)
                    return
            threading.Event().wait(0.01)
    threading.Thread(target=announce, daemon=True).start()
    FUSE(HungSync(backing, held), mountpoint, foreground=True, nothreads=False, allow_other=True)


if __name__ == "__main__":
    main()
