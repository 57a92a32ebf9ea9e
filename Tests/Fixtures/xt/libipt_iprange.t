:INPUT,FORWARD,OUTPUT
-m iprange --src-range 10.0.0.1-10.0.0.9;=;OK
-m iprange ! --dst-range 192.168.0.0-192.168.255.255;=;OK
-m iprange --src-range 1.1.1.1-1.1.1.1 ! --dst-range 2.2.2.2-2.2.2.3;=;OK
