"""UI labels in Chinese (default) and English, and Chinese conventions for money and dates.

The language is a cookie (`lang`), switched from every page. Labels are looked up by a short
English key; a key missing from the table is shown as itself, so a missing translation is visible
rather than an error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from inventory.models.base import CHINA_TZ

LANGS = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    "app": ("电子政务外网管理平台", "E-government extranet"),
    "login": ("登录", "Log in"), "logout": ("退出", "Log out"), "username": ("用户名", "Username"),
    "password": ("口令", "Password"),
    "change_password": ("修改口令", "Change password"), "current_password": ("当前口令", "Current password"),
    "new_password": ("新口令", "New password"), "confirm_password": ("再次输入新口令", "New password again"),
    "password_forced": ("您的口令已由管理员重置，请先设置自己的新口令，然后才能继续使用。",
                        "Your password was reset by an administrator: choose your own before you go on."),
    "password_rules": ("口令须满足安全策略：长度和字符种类（大写、小写、数字、符号）要求，且不得包含用户名。",
                       "The password must meet the security policy: length and character classes (upper case, "
                       "lower case, digits, symbols), and must not contain the user name."),
    "pw_failed": ("口令未修改", "Password not changed"),
    "pw_invalid_credentials": ("当前口令错误", "The current password is wrong"),
    "pw_password_mismatch": ("两次输入的新口令不一致", "The two new passwords differ"),
    "pw_password_unchanged": ("新口令不能与当前口令相同", "The new password must differ from the current one"),
    "pw_weak_password": ("新口令强度不足", "The new password is too weak"),
    "pw_csrf_failed": ("表单已过期，请重新提交", "The form expired; send it again"),
    "login_failed": ("登录失败", "Login failed"),
    "overview": ("概览", "Overview"), "compliance": ("等保核查", "MLPS checks"), "network": ("网络", "Network"),
    "map": ("拓扑地图", "Map"), "rooms": ("节点机房", "Rooms"), "units": ("接入单位", "Units"),
    "devices": ("设备", "Devices"), "simulate": ("故障模拟", "Failure simulator"), "money": ("费用", "Money"),
    "collection": ("采集", "Collection"), "alerts": ("告警", "Alerts"), "exports": ("导出", "Exports"),
    "level_rooms": ("机房", "Rooms"), "level_units": ("机房+单位", "Rooms + units"),
    "level_devices": ("设备", "Devices"), "search": ("搜索单位或设备", "Search a unit or device"),
    "save_layout": ("保存布局", "Save layout"), "layout_saved": ("布局已保存", "Layout saved"),
    "reset_layout": ("恢复自动布局", "Reset layout"),
    "unicom": ("联通", "Unicom"), "telecom": ("电信", "Telecom"), "internal": ("自建/内部", "Own/internal"),
    "primary": ("主用", "primary"), "backup": ("备用", "backup"), "uplink": ("上联", "uplink"),
    "spof": ("单点故障", "Single point of failure"), "terminals": ("终端", "terminals"),
    "terminals_n": ("终端数", "Terminals"), "name": ("名称", "Name"), "code": ("编号", "Code"),
    "kind": ("类型", "Kind"), "group": ("分组", "Group"), "room": ("机房", "Room"), "unit": ("单位", "Unit"),
    "device": ("设备", "Device"), "platform": ("平台", "Platform"), "vendor": ("厂商", "Vendor"),
    "model": ("型号", "Model"), "serial": ("序列号", "Serial"), "os": ("系统版本", "OS version"),
    "role": ("角色", "Role"), "mgmt": ("管理地址", "Management address"), "core": ("核心", "core"),
    "protection": ("保护等级", "Protection"), "primary_room": ("主用机房", "Primary room"),
    "circuits": ("线路", "Circuits"), "circuit": ("线路", "Circuit"), "carrier": ("运营商", "Carrier"),
    "bandwidth": ("带宽", "Bandwidth"), "srlg": ("共享风险组", "Shared-risk group"), "paths": ("路径", "Paths"),
    "evidence": ("依据", "Evidence"), "shared_risks": ("共同风险点", "Shared risks"), "cost": ("费用", "Cost"),
    "interfaces": ("接口", "Interfaces"), "lldp": ("LLDP 邻居", "LLDP neighbours"),
    "config_history": ("配置历史", "Config history"), "diff": ("对比", "Diff"),
    "facts": ("基本信息", "Facts"), "filter": ("筛选", "Filter"), "all": ("全部", "All"),
    "not_available": ("该功能尚未提供", "Not available yet"), "forbidden": ("无权访问", "Not permitted"),
    "no_data": ("暂无数据", "No data"), "run": ("运行", "Run"), "save": ("保存", "Save"),
    "compare": ("与保存时对比", "Compare with saved"), "scenario_name": ("场景名称", "Scenario name"),
    "fail_links": ("线路", "Links"), "fail_devices": ("设备", "Devices"), "fail_rooms": ("机房", "Rooms"),
    "fail_srlgs": ("共享风险组", "Shared-risk groups"), "fail_carriers": ("运营商", "Carriers"),
    "impact": ("影响", "Impact"), "units_cut": ("中断单位", "Units cut off"),
    "units_degraded": ("部分中断单位", "Units partly cut"), "units_failover": ("切换到备用线路的单位",
                                                                               "Units on backup"),
    "terminals_lost": ("中断终端", "Terminals lost"), "overloaded": ("过载的备用线路", "Overloaded backups"),
    "n1_ranking": ("N-1 单点故障排名", "N-1 ranking"), "saved_scenarios": ("已保存场景", "Saved scenarios"),
    "element": ("元素", "Element"), "clear": ("清空", "Clear"), "selected": ("已选", "Selected"),
    "ledger": ("台账", "Ledger"), "cash": ("收付实现制（支付年度）", "Cash (paid year)"),
    "accrual": ("权责发生制（服务年度）", "Accrual (service year)"), "anomalies": ("异常", "Anomalies"),
    "per_unit_cost": ("单位费用分摊", "Cost per unit"), "backup_value": ("电信备用网价值", "What the Telecom fee buys"),
    "assessment": ("运营商百分制考核", "Carrier assessment"), "year": ("年度", "Year"),
    "amount": ("金额（万元）", "Amount (万元)"), "budget": ("预算", "Budget"), "actual": ("实际", "Actual"),
    "download": ("下载", "Download"), "money_workbook": ("费用工作簿（Excel）", "Money workbook (Excel)"),
    "audit_pack": ("等保测评材料包", "MLPS evidence pack"),
    "job_running": ("材料包仍在生成（数据不变时只生成一次），请稍后再点下载。",
                    "The pack is still being made (once per state of the data); download it again in a while."),
    "inventory_yaml": ("资产台账（YAML）", "Inventory (YAML)"),
    "topology_json": ("拓扑数据（JSON）", "Topology (JSON)"), "start_run": ("开始采集", "Start collection"),
    "status": ("状态", "Status"), "results": ("结果", "Results"), "error": ("错误", "Error"),
    "started": ("开始时间", "Started"), "duration": ("耗时", "Duration"), "open": ("打开", "Open"),
    "details": ("详情", "Details"), "none": ("无", "none"), "language": ("English", "中文"),
    "legend": ("图例", "Legend"), "counts": ("数量", "Count"), "score": ("得分", "Score"),
    "payable": ("应付比例", "Payable share"), "verdict": ("结论", "Verdict"),
    "last_collection": ("最近一次采集", "Last collection"), "collect_warnings": ("采集警告", "Collection warnings"),
    "rejected_configs": ("拒收的配置", "Rejected configs"), "reason": ("原因", "Reason"),
    "command": ("命令", "Command"), "size": ("大小", "Size"), "source": ("来源", "Source"),
    "counter_reset": ("计数器已清零或回绕", "counter cleared or wrapped"),
    "previous_config_current": ("上一份配置仍为当前配置", "the previous config stays current"),
    # the contract simulator page (web/pages/contract_pages.py)
    "contract": ("合同考核模拟", "Contract simulator"), "service_year": ("服务年度", "service year"),
    "source_measured": ("按实测记录评分", "scored from the record"),
    "source_typed": ("按登记事件评分", "scored from typed incidents"),
    "custom_clauses": ("自定义条款", "Custom clauses"), "tier": ("档位", "Tier"),
    "tier_below": ("月可用率低于", "monthly availability below"),
    "tier_credit": ("扣减当月费用", "credit of the month's fee"),
    "cap_percent": ("扣减封顶（年费的）", "Deductions capped at (of the year's fee)"),
    "termination": ("解约条款", "Termination"), "term_below": ("月可用率低于", "monthly availability below"),
    "term_months": ("连续月数", "consecutive months"), "apply_points": ("执行百分制扣分", "Apply the 100-point scheme"),
    "simulate_run": ("重新计算", "Recalculate"), "clause_invalid": ("条款有误", "Invalid clause"),
    "side_by_side": ("各条款方案对比", "Clause sets side by side"), "clause_set": ("条款方案", "Clause set"),
    "payable_amount": ("应付金额（万元）", "Payable (10k yuan)"), "triggered": ("触发条款", "Triggered"),
    "trig_points": ("百分制扣分", "points"), "trig_credits": ("可用率赔偿", "availability credits"),
    "trig_cap": ("封顶", "cap"), "trig_termination": ("可解约", "termination right"),
    "fee_note": ("年费取合同年费，无合同时取该服务年度实付；月费 = 年费 ÷ 12。",
                 "The year's fee is the contract's annual fee, else what was paid for the service year; "
                 "a month's fee is the year's ÷ 12."),
    "deductions_title": ("扣分明细（含证据来源）", "Deductions (with their origin)"),
    "origin": ("依据", "Origin"), "origin_measured": ("实测", "measured"), "origin_typed": ("登记", "typed"),
    "origin_measured_typed": ("实测+登记", "measured + typed"), "severity": ("等级", "Severity"),
    "sev_minor": ("一般", "minor"), "sev_major": ("较大", "major"), "sev_critical": ("重大", "critical"),
    "sev_availability": ("可用率", "availability"), "hours": ("时长（小时）", "Hours"),
    "points": ("扣分", "Points"),
    "rule_table": ("考核规则（百分制）", "Assessment rules (100 points)"),
    "rule_table_note": ("规则表可编辑：money/assessment_rules.yaml（或 --rules 文件）；修改后下次计算即生效。",
                        "The rule table is editable: money/assessment_rules.yaml (or a --rules file); the next "
                        "calculation reads it."),
    "category": ("类别", "Category"), "per_hour_rule": ("超时扣分", "Per hour beyond grace"),
    "availability_rule": ("可用率扣分", "Availability below target"), "cap": ("封顶", "Cap"),
    "beyond": ("超过", "beyond"), "measured_rule": ("实测中断定级", "Measured outage severity"),
    "or": ("或", "or"), "units_word": ("个单位断开", "units cut off"), "min_minutes": ("不计短于", "ignored below"),
}

# The SLA page (web/pages/sla_pages.py, templates/sla.html).
SLA_LABELS: dict[str, tuple[str, str]] = {
    "own": ("自建/内部", "Own/internal"),
    "sla": ("可用率（SLA）", "Availability (SLA)"), "heatmap": ("月度可用率热力图（线路 × 月）",
                                                          "Monthly availability heat map (circuit × month)"),
    "carrier_compare": ("运营商对比", "Carriers compared"), "availability": ("可用率%", "Availability %"),
    "measured_availability": ("实测可用率%", "Measured availability %"), "down_time": ("中断时长", "Down"),
    "unmeasured_time": ("未测量时长", "Unmeasured"), "maintenance_time": ("维护时长", "Maintenance"),
    "outages": ("中断事件", "Outages"), "outages_n": ("中断次数", "Outages"),
    "mttr": ("平均恢复时间", "Mean time to restore"),
    "availability_rule": ("可用率 = 正常 / (时段 − 维护)；未测量时段（无任何来源的证据）不计为正常。"
                          "实测可用率 = 正常 / (正常 + 中断)，仅作参考。",
                          "Availability = up / (period − maintenance); unmeasured time (no source's evidence) is "
                          "never counted as up. Measured availability = up / (up + down), for reference only."),
    "unmeasured_cell": ("未测量（无证据）", "unmeasured (no evidence)"),
    "part_unmeasured": ("斜线：含未测量时段", "hatched: holds unmeasured time"),
    "has_maintenance": ("蓝框：含维护窗口", "blue frame: holds maintenance"),
    "not_in_service": ("不在服务期", "not in service"), "unmeasured_short": ("未测", "n/m"),
    "maintenance_short": ("维护", "maint."),
    "drill_hint": ("点击单元格，查看该线路当月的账期区间、中断事件及其依据。",
                   "Click a cell to open that circuit's month: its ledger intervals, outages and their evidence."),
    "no_record_title": ("本年度尚无记录", "No record for this year yet"),
    "no_record_help": ("可用率来自随时间积累的记录（syslog、SNMP 轮询、探测）。启动 syslog 接收器和 SNMP 轮询器"
                       "（或在 extranet serve 中一并运行）后，记录才会开始积累；详见 docs/telemetry.md。",
                       "Availability comes from the record kept over time (syslog, SNMP polls, probes). Start the "
                       "syslog receiver and the SNMP poller (or run them inside extranet serve) and the record "
                       "begins; see docs/telemetry.md."),
    "close": ("关闭", "Close"), "start": ("开始", "Start"), "end": ("结束", "End"), "state": ("状态", "State"),
    "decided_by": ("判定来源", "Decided by"), "disputed": ("有争议", "Disputed"),
    "failed": ("故障对象", "What failed"), "units_affected": ("受影响单位与终端", "Units and terminals affected"),
    "cut_off": ("断网", "cut off"), "backup_ready": ("备用线路就绪", "backup ready"),
    "backup_not_ready": ("备用线路未就绪", "backup not ready"), "takeover": ("接管用时", "took over in"),
    "no_takeover": ("未见备用线路承载流量", "no traffic seen on the backup"),
    "no_backup": ("无备用线路", "no backup circuit"), "typed": ("人工登记", "typed incident"),
    "not_in_record": ("记录中未见", "not in the record"), "still_open": ("尚未恢复", "still open"),
    "no_outage": ("当月无中断", "No outage this month"), "intervals": ("账期区间", "Ledger intervals"),
    "more_intervals": ("另有未显示的区间", "Intervals not shown"), "opened_by": ("开启依据", "opened by"),
    "ev_lsi": ("链路状态区间", "link-state interval"), "ev_probe": ("探测结果", "probe result"),
    "ev_sample": ("SNMP 采样", "SNMP sample"), "ev_syslog": ("syslog 消息", "syslog message"),
    "ev_unknown": ("其他依据", "other evidence"),
    "cause_reboot": ("设备重启", "the device rebooted"),
    "cause_all_circuits_down": ("其全部线路同时中断", "all its circuits went down together"),
    "cause_access_quality": ("接入质量", "access quality"), "cause_security": ("安全事件", "security incident"),
    "cause_operations": ("运维事件", "O&M incident"),
}
LABELS.update(SLA_LABELS)

# the backup verdicts page (web/pages/backup_pages.py); the verdict codes' own words are money/bureau_report's
BACKUP_LABELS: dict[str, tuple[str, str]] = {
    "backup_verdicts": ("备份线路评估", "Backup verdicts"),
    "backup_intro": ("每条电信备份线路：配置是否就绪、当年是否切换、中断时承载多少、容量是否够用、费用分摊。",
                     "Each backup circuit: armed by its config, exercised this year, bytes carried while the "
                     "primary was down, whether its capacity holds, and its share of the fee."),
    "fee_year": ("当年备份费用", "Backup fee this year"),
    "protected": ("受保护单位/终端", "Protected units / terminals"),
    "failovers": ("切换次数", "Failovers"), "failover_hours": ("切换时长（小时）", "Failover hours"),
    "carried_gib": ("中断时承载（GiB）", "Carried while primary down (GiB)"),
    "year_gib": ("全年流量（GiB）", "Year's traffic (GiB)"), "armed": ("配置就绪", "Armed"),
    "would_hold": ("容量", "Would hold"), "demand_mbps": ("主线峰值（Mbps）", "Primary peak (Mbps)"),
    "bandwidth_mbps": ("带宽（Mbps）", "Bandwidth (Mbps)"),
    "per_unit_wan": ("每受保护单位（万元）", "Per protected unit (万元)"),
    "per_terminal_yuan": ("每受保护终端（元）", "Per protected terminal (元)"),
    "report_pdf": ("下载评估报告（PDF）", "Download the report (PDF)"),
    "report_xlsx": ("下载评估报告（XLSX）", "Download the report (XLSX)"),
    "no_backup_year": ("本年度无备份线路", "No backup circuits this year"),
    "config_lines": ("配置行", "Config lines"), "takeover_s": ("接管用时（秒）", "Takeover (s)"),
}
LABELS.update(BACKUP_LABELS)

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "done": ("完成", "done"), "running": ("进行中", "running"), "failed": ("失败", "failed"), "ok": ("成功", "ok"),
    "skipped": ("跳过", "skipped"), "active": ("在用", "active"), "planned": ("计划", "planned"),
    "retired": ("已停用", "retired"), "partial": ("部分完成", "partial"),
}

KIND_LABELS: dict[str, tuple[str, str]] = {
    "party": ("党委", "party"), "congress": ("人大", "congress"), "government": ("政府", "government"),
    "cppcc": ("政协", "CPPCC"), "supervision": ("监委/纪委", "supervision"), "court": ("法院", "court"),
    "procuratorate": ("检察院", "procuratorate"), "organisation": ("人民团体", "people's organisation"),
    "core": ("核心", "core"), "aggregation": ("汇聚", "aggregation"), "access-router": ("接入路由器", "access router"),
    "access-switch": ("接入交换机", "access switch"), "firewall": ("防火墙", "firewall"),
    "mlps": ("等保级别", "MLPS level"),
    "circuits_rule": ("按线路数分摊", "by circuits"), "tariff_rule": ("按线路资费分摊", "by tariff"),
    "bandwidth_rule": ("按带宽分摊", "by bandwidth"), "terminals_rule": ("按终端数分摊", "by terminals"),
}

CLASS_LABELS: dict[str, tuple[str, str]] = {
    "isolated": ("已断开", "isolated"),
    "single-path": ("单路径", "single path"),
    "same-carrier-redundant": ("同运营商冗余", "same-carrier redundant"),
    "dual-carrier": ("双运营商", "dual carrier"),
    "dual-carrier-room-diverse": ("双运营商+异机房", "dual carrier, room-diverse"),
}


def label(key: str, lang: str) -> str:
    pair = LABELS.get(key) or CLASS_LABELS.get(key) or STATUS_LABELS.get(key) or KIND_LABELS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def wan(value: Any, digits: int = 2) -> str:
    """Money in 万元 with two decimals and thousands separators; blank for unknown."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(str(value)):,.{digits}f}"


def cn_date(value: dt.date | dt.datetime | None, lang: str = "zh") -> str:
    """2022年3月5日 (datetimes in China time, with minutes)."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        local = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(CHINA_TZ)
        if lang == "zh":
            return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
        return local.strftime("%Y-%m-%d %H:%M") + " (UTC+8)"
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()
