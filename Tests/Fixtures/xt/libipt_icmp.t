:INPUT,FORWARD,OUTPUT
-p icmp -m icmp --icmp-type 8;=;OK
-p icmp -m icmp --icmp-type 3/4;=;OK
-p icmp -m icmp ! --icmp-type 0;=;OK
-p icmp -m icmp --icmp-type any;=;OK
-p icmp -m icmp --icmp-type echo-request;-p icmp -m icmp --icmp-type 8;OK
