:PREROUTING,FORWARD,OUTPUT,POSTROUTING
*mangle
-j HL --hl-set 64;=;OK
-j HL --hl-inc 1;=;OK
-j HL --hl-dec 2;=;OK
