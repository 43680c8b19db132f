"""File-backed fake volume driver for the live-test Cinder.

Cinder's own FakeLoggingVolumeDriver (shipped in python3-cinder under
cinder/tests) runs every volume state machine without touching a block device.
This subclass adds one sparse file per volume and per snapshot under
<state_path>/fakevols and hands out os-brick "local" connections to them, so
that attachments, backups (posix driver reads the file, restore writes it
back) and generic volume migration move real bytes, without iSCSI, LVM, sudo
or device-mapper.

Files: <state_path>/fakevols/volume-<name id> and snapshot-<snapshot id>
(volume['name'] / snapshot['name'], i.e. Cinder's name templates). All
backends of one cinder-volume share the directory.

Configured in cinder.conf as  volume_driver = rc_file_driver.FileBackedFakeDriver
(STATE/cinder/lib is on PYTHONPATH).
"""

import os
import subprocess

from oslo_config import cfg
from oslo_log import log as logging

from cinder.tests import fake_driver

CONF = cfg.CONF
LOG = logging.getLogger(__name__)
GIB = 1024 ** 3


class FileBackedFakeDriver(fake_driver.FakeLoggingVolumeDriver):

    def __init__(self, *args, **kwargs):
        # Why: the base class hard-codes backend_name = 'fake', and its
        # _update_volume_stats reports that as the pool name. Each backend
        # section (fake, fake2) must report its own pool, rc-host@<b>#<b>,
        # or the scheduler cannot tell the backends apart.
        super().__init__(*args, **kwargs)
        name = None
        if self.configuration is not None:
            name = self.configuration.safe_get('volume_backend_name')
        self.backend_name = name or 'fake'
        self._dir = os.path.join(CONF.state_path, 'fakevols')
        os.makedirs(self._dir, exist_ok=True)

    # ------------------------------------------------------------ helpers

    def _path(self, name):
        return os.path.join(self._dir, name)

    def _vol_path(self, volume):
        return self._path(volume['name'])

    def _snap_path(self, snapshot):
        return self._path(snapshot['name'])

    @staticmethod
    def _resize(path, size_gb):
        # Append mode creates the file if needed and never clobbers data;
        # truncate makes it sparse: no disk space is used until written.
        with open(path, 'ab') as f:
            f.truncate(int(size_gb) * GIB)

    @staticmethod
    def _copy(src, dst):
        if os.path.exists(src):
            subprocess.run(['cp', '--sparse=always', src, dst], check=True)
        else:
            open(dst, 'wb').close()

    @staticmethod
    def _remove(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass

    # ------------------------------------------------------------ stats

    def _update_volume_stats(self):
        # Why: the base stats are kept (pool name, infinite capacity); we
        # only announce sparse_copy_volume so that generic migration copies
        # with "dd conv=sparse" instead of writing every zero of the
        # sparse source file to the destination file.
        super()._update_volume_stats()
        self._stats['sparse_copy_volume'] = True

    # ------------------------------------------------------------ volumes

    def create_volume(self, volume):
        # Why: the base method only logs; keep its model update (it sets
        # replication_status for replicated types) and add the backing file.
        model_update = super().create_volume(volume)
        self._resize(self._vol_path(volume), volume['size'])
        return model_update

    def delete_volume(self, volume):
        # Why: the base method is a no-op; drop the backing file too.
        super().delete_volume(volume)
        self._remove(self._vol_path(volume))

    def extend_volume(self, volume, new_size):
        # Why: required, not optional. The base class inherits the LVM
        # driver's extend_volume, which calls FakeBrickLVM.extend_volume, a
        # method that does not exist (AttributeError): the volume would end in
        # error_extending. Here we only grow the file.
        self._resize(self._vol_path(volume), new_size)

    def create_cloned_volume(self, volume, src_vref):
        # Why: the base is a no-op; a clone must carry the source's bytes.
        dst = self._vol_path(volume)
        self._copy(self._vol_path(src_vref), dst)
        self._resize(dst, volume['size'])

    def create_volume_from_snapshot(self, volume, snapshot):
        # Why: the base is a no-op; the new volume gets the snapshot's bytes.
        dst = self._vol_path(volume)
        self._copy(self._snap_path(snapshot), dst)
        self._resize(dst, volume['size'])

    def revert_to_snapshot(self, context, volume, snapshot):
        # Why: the inherited LVM revert drives FakeBrickLVM and copies
        # nothing; revert (3.40) must put the snapshot's bytes back.
        dst = self._vol_path(volume)
        self._copy(self._snap_path(snapshot), dst)
        self._resize(dst, volume['size'])

    # ------------------------------------------------------------ snapshots

    def create_snapshot(self, snapshot):
        # Why: the base is a no-op; a snapshot is a sparse copy of the
        # volume's file at that moment.
        self._copy(self._vol_path(snapshot.volume), self._snap_path(snapshot))

    def delete_snapshot(self, snapshot):
        # Why: the base is a no-op; drop the snapshot file.
        super().delete_snapshot(snapshot)
        self._remove(self._snap_path(snapshot))

    # ------------------------------------------------------------ connections

    def validate_connector(self, connector):
        # Why: the inherited LVM path asks the default tgt target helper,
        # which demands an iSCSI 'initiator' key in every connector; our
        # connections are 'local', so any connector is fine.
        return True

    def initialize_connection(self, volume, connector):
        # Why: the base returns 'iscsi' connection info without any target,
        # which makes cinder-backup (and the migration copy) attempt an iSCSI
        # login. We keep only the base's access_mode logic (attached_mode
        # admin metadata, else 'ro' for read-only volumes, else 'rw') and
        # hand out os-brick's LocalConnector, which just opens device_path.
        base = super().initialize_connection(volume, connector)
        access_mode = (base.get('data') or {}).get('access_mode', 'rw')
        path = self._vol_path(volume)
        if not os.path.exists(path):
            self._resize(path, volume['size'])
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'access_mode': access_mode}}

    def initialize_connection_snapshot(self, snapshot, connector):
        # Why: the base returns a bare {'driver_volume_type': 'iscsi'} (no
        # data at all); backups of snapshots need a readable local file.
        path = self._snap_path(snapshot)
        if not os.path.exists(path):
            self._resize(path, snapshot['volume_size'])
        return {'driver_volume_type': 'local',
                'data': {'device_path': path, 'access_mode': 'ro'}}

    # ------------------------------------------------------------ migration

    def update_migrated_volume(self, ctxt, volume, new_volume,
                               original_volume_status):
        # Why: after a generic migration Cinder keeps the original volume id
        # while the data sits in the temporary volume's file. The inherited
        # LVM method "renames" through FakeBrickLVM (a no-op) and returns
        # _name_id None, so the volume would point at volume-<its id>: the
        # source file, which Cinder deletes right after (the temporary record
        # takes the source's name). Renaming the file ourselves does not help
        # either, because all backends share one directory and that delete
        # would remove the renamed copy. So do what Cinder does for drivers
        # without this method: keep the new file and record its name in
        # _name_id (visible to admins as os-vol-mig-status-attr:name_id; the
        # file is then volume-<name_id>).
        return {'_name_id': new_volume['_name_id'] or new_volume['id'],
                'provider_location': new_volume['provider_location']}
