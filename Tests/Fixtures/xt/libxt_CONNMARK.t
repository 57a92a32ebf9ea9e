:PREROUTING,FORWARD,OUTPUT,POSTROUTING
*mangle
-j CONNMARK --set-xmark 0x10/0xff;=;OK
-j CONNMARK --set-mark 0x10;-j CONNMARK --set-xmark 0x10/0xffffffff;OK
-j CONNMARK --save-mark;-j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff;OK
-j CONNMARK --restore-mark --nfmask 0xff00 --ctmask 0xff;=;OK
-j CONNMARK --save-mark --nfmask 0xff --ctmask 0xff00 --right-shift-mark 8;=;OK
-j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff --left-shift-mark 16;=;OK
