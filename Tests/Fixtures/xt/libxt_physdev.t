:FORWARD
-m physdev --physdev-in veth0;=;OK
-m physdev ! --physdev-out cni+;=;OK
-m physdev --physdev-is-bridged;=;OK
-m physdev ! --physdev-is-in --physdev-is-out;=;OK
-m physdev --physdev-in eth0 --physdev-out eth1 ! --physdev-is-bridged;=;OK
