:PREROUTING,FORWARD,OUTPUT,POSTROUTING
*mangle
-j TOS --set-tos 0x10;-j TOS --set-tos 0x10/0xff;OK
-j TOS --set-tos 0x04/0x0c;=;OK
-j TOS --and-tos 0x0f;-j TOS --set-tos 0x00/0xf0;OK
:INPUT,FORWARD,OUTPUT
*filter
-j AUDIT --type accept;=;OK
-j AUDIT --type drop;=;OK
-j AUDIT --type reject;=;OK
