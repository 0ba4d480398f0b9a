#!/bin/bash
# A throwaway single-node Ceph RADOS Gateway (real S3) on 127.0.0.1:7480 for the tests: 1 mon, 1 in-memory
# OSD, 1 RGW; user CIACCESSKEY / CISECRETKEY. Installs the Debian packages when missing; does nothing when
# one already answers. From shared/infra/ceph-rgw, plus server-side encryption for tests: the 'testing' KMS
# backend with key 'testkey-1', allowed over plain HTTP on loopback.
set -euo pipefail
RGW_PORT=${RGW_PORT:-7480}
if curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/"; then echo "RGW already up on 127.0.0.1:$RGW_PORT"; exit 0; fi
if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd ceph-common curl >/dev/null
fi
D=${D:-/tmp/ceph-rgw}
RGW_PORT=${RGW_PORT:-7480}
rm -rf "$D"; mkdir -p "$D"/{mon,osd0,run,log,rgw}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat > "$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:3300,v1:127.0.0.1:6789]
mon initial members = a
public network = 127.0.0.0/8
auth cluster required = none
auth service required = none
auth client required = none
auth allow insecure global id reclaim = true
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
osd crush chooseleaf type = 0
run dir = $D/run
admin socket = $D/run/\$cluster-\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
ms bind ipv4 = true
ms bind ipv6 = false
ms client mode = crc secure
ms mon client mode = crc secure
ms service mode = crc secure
ms cluster mode = crc secure
ms mon service mode = crc secure
ms mon cluster mode = crc secure
[mon.a]
mon data = $D/mon
[osd.0]
osd data = $D/osd0
osd objectstore = memstore
memstore device bytes = 8589934592
osd max object name len = 460
osd max object namespace len = 64
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $D/rgw
rgw dns name = localhost
rgw crypt require ssl = false
# Deleted objects' data is reclaimed within seconds, not the default two hours: the OSD lives in memory, and
# tests and benchmarks that drop their buckets must give the space back.
rgw gc obj min wait = 0
rgw gc processor period = 10
rgw gc processor max time = 10
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YmluCmJvb3N0CmJvb3N0LWJ1aWxkCmNlcGguY29uZgo= testkey-2=aWIKTWFrZWZpbGUKbWFuCm91dApzcmMKVGVzdGluZwo=
CONF
export CEPH_CONF="$D/ceph.conf"
ceph-authtool --create-keyring "$D/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
monmaptool --create --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon --mkfs -i a --monmap "$D/monmap" --keyring "$D/mon.keyring"
ceph-mon -i a                                   # forks into background
for i in $(seq 1 30); do ceph -s --connect-timeout 5 >/dev/null 2>&1 && break; sleep 1; done
OSD_UUID=$(cat /proc/sys/kernel/random/uuid)
ceph osd new "$OSD_UUID" >/dev/null           # -> id 0
ceph-osd -i 0 --mkfs --osd-uuid "$OSD_UUID" 2>/dev/null
ceph osd crush add-bucket localhost host >/dev/null
ceph osd crush move localhost root=default >/dev/null
ceph osd crush add osd.0 1.0 host=localhost >/dev/null
ceph-osd -i 0
for i in $(seq 1 60); do ceph osd stat 2>/dev/null | grep -q '1 up' && break; sleep 1; done
radosgw -n client.rgw.a
for i in $(seq 1 90); do curl -s -o /dev/null "http://127.0.0.1:$RGW_PORT/" && break; sleep 1; done
radosgw-admin user create --uid=ci --display-name=ci --access-key=CIACCESSKEY --secret-key=CISECRETKEY >/dev/null
echo "RGW up on http://127.0.0.1:$RGW_PORT (access CIACCESSKEY / secret CISECRETKEY); CEPH_CONF=$D/ceph.conf"
