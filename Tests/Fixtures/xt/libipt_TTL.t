:PREROUTING,FORWARD,OUTPUT,POSTROUTING
*mangle
-j TTL --ttl-set 64;=;OK
-j TTL --ttl-inc 1;=;OK
-j TTL --ttl-dec 2;=;OK
