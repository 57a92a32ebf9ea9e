:FORWARD,OUTPUT,POSTROUTING
*mangle
-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu;-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu;OK
-p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --set-mss 1360;=;OK
-j DSCP --set-dscp 0x2e;=;OK
-j DSCP --set-dscp-class EF;-j DSCP --set-dscp 0x2e;OK
-j CLASSIFY --set-class 1:10;-j CLASSIFY --set-class 0001:0010;OK
-p udp -j CHECKSUM --checksum-fill;=;OK
:PREROUTING,OUTPUT
*raw
-j TRACE;=;OK
