"""``spec.volumes``: Volcano's ``validateIO``."""

from __future__ import annotations

from typing import Any

from services.admission.validators import causes, names, shape

CONFLICT = (
    "conflict: If you want to use an existing PVC, just specify VolumeClaimName."
    "If you want to create a new PVC, you do not need to specify VolumeClaimName"
)


def validate(spec: dict[str, Any]) -> causes.Causes:
    out: causes.Causes = []
    mount_paths: set[str] = set()
    for path, volume in shape.items(spec, "volumes", "spec"):
        out += _one(volume, path, mount_paths)
    return out


def _one(volume: dict[str, Any], path: str, mount_paths: set[str]) -> causes.Causes:
    mount_path = str(volume.get("mountPath") or "")
    claim_name = str(volume.get("volumeClaimName") or "")
    if not mount_path:
        return [causes.required(f"{path}.mountPath", "mountPath is required")]
    if mount_path in mount_paths:
        return [causes.duplicate(f"{path}.mountPath", f"duplicated mountPath: {mount_path}")]
    mount_paths.add(mount_path)
    if volume.get("volumeClaim") is None and not claim_name:
        return [causes.required(path, "either VolumeClaim or VolumeClaimName must be specified")]
    if claim_name and volume.get("volumeClaim") is not None:
        return [causes.invalid(f"{path}.volumeClaimName", CONFLICT)]
    errors = names.dns1123_subdomain(claim_name) if claim_name else []
    if errors:
        return [causes.invalid(f"{path}.volumeClaimName",
                               f"invalid VolumeClaimName {claim_name} : {names.go_list(errors)}")]
    return []
