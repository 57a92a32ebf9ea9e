:INPUT,FORWARD,OUTPUT
-m comment --comment "kube-system/kube-dns:dns cluster IP";=;OK
-m comment --comment plain_word-1;=;OK
-m comment --comment "a \"quoted\" it's";-m comment --comment "a \"quoted\" it\'s";OK
-m comment --comment "back\\slash";=;OK
-m comment --comment "";=;OK
-m comment --comment 012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234;=;OK
-m comment --comment "ünïcode ✓";=;OK
