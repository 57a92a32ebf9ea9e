:PREROUTING,FORWARD,OUTPUT,POSTROUTING
*mangle
-j MARK --set-xmark 0x4000/0x4000;=;OK
-j MARK --set-mark 0x4000;-j MARK --set-xmark 0x4000/0xffffffff;OK
-j MARK --and-mark 0xff;-j MARK --set-xmark 0x0/0xffffff00;OK
-j MARK --or-mark 0x8000;-j MARK --set-xmark 0x8000/0x8000;OK
-j MARK --xor-mark 0x1;-j MARK --set-xmark 0x1/0x0;OK
