:PREROUTING
*mangle
-p tcp -j TPROXY --on-port 15001 --on-ip ::1 --tproxy-mark 0x1/0x1;=;OK
