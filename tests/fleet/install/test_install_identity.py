"""Step 2 against a real cloud and fleet CA: a new identity is kept locally at once, reused on
a rerun, replaced by --reprovision (the cloud's key changes), and a locker whose key is lost is
refused with what to do."""

import pytest
from sqlmodel import Session

from cloud.models import Locker
from fleet.install.errors import InstallError
from fleet.install.identity import LOCAL, NEW, REPROVISION, identity_source, obtain, read_local
from fleet.pki import FleetCA

pytestmark = pytest.mark.parametrize("broker", ["mosquitto"], indirect=True)


def make(cloud, source, folder, ca_dir, locker_id="L-TLS", tls=True):
    return obtain(
        source,
        locker_id,
        [(1, "S"), (2, "M")],
        folder,
        api=cloud.api.url,
        headers=cloud.admin_headers,
        ca_dir=ca_dir,
        tls=tls,
        board_config=None,
        board_files=None,
    )


def cloud_key(cloud, locker_id):
    with Session(cloud.engine) as session:
        return session.get(Locker, locker_id).device_key


def test_a_new_identity_is_kept_reused_and_replaced(cloud, tmp_path):
    ca_dir, folder = tmp_path / "pki", tmp_path / "provisioned" / "L-TLS"
    FleetCA(ca_dir).create()
    first = make(cloud, NEW, folder, ca_dir)
    assert first["key"] == cloud_key(cloud, "L-TLS")
    assert read_local(folder, tls=True)["key"] == first["key"]  # certificate checked too
    local = read_local(folder, tls=True)
    assert identity_source("L-TLS", None, local, reprovision=False) == LOCAL
    second = make(cloud, REPROVISION, folder, ca_dir)
    assert second["key"] != first["key"] and second["key"] == cloud_key(cloud, "L-TLS")
    assert read_local(folder, tls=True)["certificate_serial"] != first["certificate_serial"]


def test_a_locker_whose_key_is_lost_is_refused_and_told_what_to_do(cloud, tmp_path):
    make(cloud, NEW, tmp_path / "first", tmp_path, locker_id="L-LOST", tls=False)
    with pytest.raises(InstallError, match="already exists in the cloud.*--reprovision"):
        make(cloud, NEW, tmp_path / "second", tmp_path, locker_id="L-LOST", tls=False)
    assert not (tmp_path / "second" / "identity.json").exists()
