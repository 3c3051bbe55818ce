"""The files under MEDIA_ROOT (the participants' photos) in a backup and back.

A restore puts the directory back as it was at the backup: the backup's files are
written, and the files the backup does not have are removed, since the restored rows no
longer point to them (a photo added since the backup is the photo of a row the restore
took away; keeping it would keep a person's picture that no file shows any more).
"""

import os
import shutil
from pathlib import Path


def files_under(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``root`` as (POSIX name relative to root, path), sorted."""
    if not root.is_dir():
        return []
    found = []
    for directory, _subdirectories, names in os.walk(root):
        for name in names:
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def replace_all(root: Path, source: Path, names: list[str]) -> tuple[int, int]:
    """Make ``root`` hold exactly the files ``names`` of ``source``: (written, removed)."""
    root.mkdir(parents=True, exist_ok=True)
    keep = set(names)
    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source / name, partial)
        os.replace(partial, target)
    removed = 0
    for name, path in files_under(root):
        if name not in keep:
            path.unlink()
            removed += 1
    return len(names), removed
