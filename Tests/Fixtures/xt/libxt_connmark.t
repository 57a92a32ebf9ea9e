:INPUT,FORWARD,OUTPUT
-m connmark --mark 0x1;=;OK
-m connmark ! --mark 0x4000/0x4000;=;OK
