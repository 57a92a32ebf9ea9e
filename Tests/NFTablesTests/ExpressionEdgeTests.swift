import Netlink
import NetCore
import NFTables
import Testing

/// Expressions this kernel lacks (queue), names nobody knows, and objects built by hand (flowtables).
@Suite("Expressions and objects built from nf_tables.h layouts")
struct ExpressionEdgeTests {
    @Test("queue: number, total, bypass and fanout flags, and a register for the number")
    func queue() throws {
        let payload = MessageBuilder.rule { rule in
            rule.expression("queue") { q in
                q.u16(1, 3)       // NFTA_QUEUE_NUM
                q.u16(2, 2)       // NFTA_QUEUE_TOTAL
                q.u16(3, 0x3)     // NFTA_QUEUE_FLAGS: bypass | fanout
            }
            rule.expression("queue") { q in q.u32(4, 1) }  // NFTA_QUEUE_SREG_QNUM
        }
        let rule = try Rule(message: GoldenFixtures.message(.newRule, payload: payload))
        #expect(rule.expressions == [.queue(Expression.Queue(number: 3, total: 2, flags: 3)),
                                     .queue(Expression.Queue(number: 0, total: 1, flags: 0, numberSource: Register(rawValue: 1)))])
        #expect(rule.expressions[0].description == "[ queue num 3 total 2 bypass fanout ]")
    }

    @Test("an unknown expression keeps its name and raw bytes and the rest of the rule decodes")
    func unknownExpression() throws {
        let payload = MessageBuilder.rule { rule in
            rule.expression("synproxy2") { data in data.u32(1, 1460) }
            rule.expression("counter") { c in
                c.u64(1, 100)   // NFTA_COUNTER_BYTES
                c.u64(2, 2)     // NFTA_COUNTER_PACKETS
            }
        }
        let rule = try Rule(message: GoldenFixtures.message(.newRule, payload: payload))
        guard case .unknown(let name, let raw) = rule.expressions[0] else {
            Issue.record("expected unknown, got \(rule.expressions[0])")
            return
        }
        #expect(name == "synproxy2")
        #expect(raw == [8, 0, 1, 0, 0, 0, 0x05, 0xb4])
        #expect(rule.expressions[1] == .counter(Expression.Counter(packets: 2, bytes: 100)))
    }

    @Test("a flowtable: hook, priority, devices, flags")
    func flowtable() throws {
        var builder = MessageBuilder(family: .inet)
        builder.string(1, "filter")                   // NFTA_FLOWTABLE_TABLE
        builder.string(2, "ft")                       // NFTA_FLOWTABLE_NAME
        builder.nest(3) { hook in                     // NFTA_FLOWTABLE_HOOK
            hook.u32(1, 0)                            // NFTA_FLOWTABLE_HOOK_NUM: ingress
            hook.u32(2, UInt32(bitPattern: -10))      // NFTA_FLOWTABLE_HOOK_PRIORITY
            hook.nest(3) { devices in                 // NFTA_FLOWTABLE_HOOK_DEVS
                devices.string(1, "eth0")
                devices.string(1, "eth1")
            }
        }
        builder.u32(4, 1)                             // NFTA_FLOWTABLE_USE
        builder.u64(5, 7)                             // NFTA_FLOWTABLE_HANDLE
        builder.u32(7, 0x2)                           // NFTA_FLOWTABLE_FLAGS: counter
        let flowtable = try Flowtable(message: GoldenFixtures.message(.newFlowtable, payload: builder.payload))
        #expect(flowtable == Flowtable(family: .inet, table: "filter", name: "ft", handle: 7, hook: Hook(rawValue: 0),
                                       priority: -10, devices: ["eth0", "eth1"], flags: 2, use: 1))
    }

    @Test("a known expression with a missing required attribute is a DecodeError naming it")
    func missingAttribute() {
        let payload = MessageBuilder.rule { rule in
            rule.expression("cmp") { cmp in cmp.u32(1, 1) }  // no NFTA_CMP_OP, no NFTA_CMP_DATA
        }
        #expect(throws: DecodeError.self) { try Rule(message: GoldenFixtures.message(.newRule, payload: payload)) }
        do {
            _ = try Rule(message: GoldenFixtures.message(.newRule, payload: payload))
        } catch let error as DecodeError {
            #expect(error.path.contains("cmp"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("verdict data: jump with a chain, and an unknown verdict code survives")
    func verdicts() throws {
        let payload = MessageBuilder.rule { rule in
            rule.expression("immediate") { imm in
                imm.u32(1, 0)
                imm.nest(2) { data in
                    data.nest(2) { verdict in
                        verdict.u32(1, UInt32(bitPattern: -3))
                        verdict.string(2, "KUBE-SERVICES")
                    }
                }
            }
            rule.expression("immediate") { imm in
                imm.u32(1, 0)
                imm.nest(2) { data in data.nest(2) { verdict in verdict.u32(1, 42) } }
            }
        }
        let rule = try Rule(message: GoldenFixtures.message(.newRule, payload: payload))
        #expect(rule.expressions[0].description == "[ immediate reg 0 jump -> KUBE-SERVICES ]")
        guard case .immediate(let unknown) = rule.expressions[1] else { return }
        #expect(unknown.verdict?.code.rawValue == 42)
    }
}
