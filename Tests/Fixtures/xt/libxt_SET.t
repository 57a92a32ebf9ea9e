# needs the sets: ipset create nfs-a hash:ip counters; nfs-b hash:ip,port; nfs-n hash:net skbinfo
:INPUT,FORWARD,OUTPUT
-j SET --add-set nfs-a src;=;OK
-j SET --del-set nfs-b dst,dst;=;OK
-j SET --add-set nfs-a src --exist --timeout 10;=;OK
-j SET --add-set nfs-n dst --del-set nfs-a src;=;OK
:POSTROUTING
*mangle
-j SET --map-set nfs-n dst --map-mark --map-prio --map-queue;=;OK
