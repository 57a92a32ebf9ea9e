:INPUT,FORWARD,OUTPUT
-p ipv6-icmp -m icmp6 --icmpv6-type 128;=;OK
-p ipv6-icmp -m icmp6 --icmpv6-type 1/4;=;OK
-p ipv6-icmp -m icmp6 ! --icmpv6-type 135;=;OK
-p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation;-p ipv6-icmp -m icmp6 --icmpv6-type 135;OK
