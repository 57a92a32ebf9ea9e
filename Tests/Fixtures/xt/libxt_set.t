# needs the sets: ipset create nfs-a hash:ip counters; nfs-b hash:ip,port; nfs-n hash:net skbinfo
:INPUT,FORWARD,OUTPUT
-m set --match-set nfs-a src;=;OK
-m set ! --match-set nfs-a dst;=;OK
-m set --match-set nfs-b dst,dst;=;OK
-m set --match-set nfs-b src,dst --return-nomatch;=;OK
-m set --match-set nfs-n src ! --update-counters ! --update-subcounters;=;OK
-m set --match-set nfs-a src --packets-gt 10 ! --bytes-eq 100;=;OK
-m set --match-set nfs-a src --packets-lt 3;=;OK
