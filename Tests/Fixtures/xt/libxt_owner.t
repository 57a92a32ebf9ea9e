:OUTPUT,POSTROUTING
*mangle
-m owner --uid-owner 1337;=;OK
-m owner ! --uid-owner 1337;=;OK
-m owner --uid-owner 1000-2000 ! --gid-owner 0;=;OK
-m owner --socket-exists;=;OK
-m owner --gid-owner 100 --suppl-groups;=;OK
-m owner --uid-owner root;-m owner --uid-owner 0;OK
