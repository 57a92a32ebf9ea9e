:INPUT,FORWARD,OUTPUT
-p tcp -m tcpmss --mss 1400;=;OK
-p tcp -m tcpmss ! --mss 536:1460;=;OK
-m length --length 0:64;=;OK
-m length ! --length 1500;=;OK
-m dscp --dscp 0x2e;=;OK
-m dscp ! --dscp-class AF41;-m dscp ! --dscp 0x22;OK
-m helper --helper ftp;=;OK
-m helper ! --helper "sip-5060";-m helper ! --helper sip-5060;OK
-m quota --quota 1000000;=;OK
-m quota ! --quota 5;=;OK
-m devgroup --src-group 0x2;=;OK
-m devgroup --src-group 0;-m devgroup --src-group default;OK
-m cgroup --cgroup 1048577;=;OK
:FORWARD,OUTPUT
-m devgroup ! --dst-group 0x10/0xf0;=;OK
:INPUT,FORWARD
-m mac --mac-source 02:42:ac:11:00:02;=;OK
-m mac ! --mac-source AA:BB:CC:DD:EE:FF;-m mac ! --mac-source aa:bb:cc:dd:ee:ff;OK
:PREROUTING
*mangle
-m socket;=;OK
-m socket --transparent;=;OK
-m socket --transparent --nowildcard --restore-skmark;=;OK
-m rpfilter;=;OK
-m rpfilter --loose --validmark --accept-local --invert;=;OK
