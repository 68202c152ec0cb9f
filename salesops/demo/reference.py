"""Reference data of the demo company: organisation, geography, products,
funnel stages, names and holidays. Plain constants; every tuple is ordered so
that iterating it is deterministic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

COMPANY_NAME = "云杉智联科技有限公司 Yunshan Smart IoT"
EMAIL_DOMAIN = "yunshan-iot.example.com"  # reserved example domain: no real mailbox


# --- funnel ------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    name: str
    probability: int  # percent
    forecast_category: str
    is_closed: bool
    is_won: bool


STAGES: tuple[Stage, ...] = (
    Stage("Prospecting", 10, "Pipeline", False, False),
    Stage("Qualification", 20, "Pipeline", False, False),
    Stage("Needs Analysis", 40, "Best Case", False, False),
    Stage("Proposal", 60, "Best Case", False, False),
    Stage("Negotiation", 80, "Commit", False, False),
    Stage("Closed Won", 100, "Closed", True, True),
    Stage("Closed Lost", 0, "Omitted", True, False),
)
PROSPECTING, QUALIFICATION, NEEDS_ANALYSIS, PROPOSAL, NEGOTIATION, CLOSED_WON, CLOSED_LOST = range(7)
OPEN_STAGES = (PROSPECTING, QUALIFICATION, NEEDS_ANALYSIS, PROPOSAL, NEGOTIATION)

# Next steps typed by reps, per open stage (None = the field is left empty sometimes).
NEXT_STEPS: dict[int, tuple[str, ...]] = {
    PROSPECTING: ("首次拜访 First visit", "电话了解需求 Discovery call", "发送公司介绍 Send company intro"),
    QUALIFICATION: ("确认预算和决策人 Confirm budget & decision maker", "安排技术交流 Schedule tech workshop"),
    NEEDS_ANALYSIS: ("现场勘查 Site survey", "方案演示 Solution demo", "POC 测试 Run POC"),
    PROPOSAL: ("提交报价 Submit quote", "技术方案评审 Proposal review", "等待客户反馈 Await feedback"),
    NEGOTIATION: ("商务谈判 Commercial negotiation", "合同审批 Contract approval", "等待盖章 Awaiting signature"),
}


# --- organisation --------------------------------------------------------------


@dataclass(frozen=True)
class RegionDef:
    code: str  # e.g. EAST
    name_cn: str
    name_en: str
    base_teams: int  # teams at scale 1


@dataclass(frozen=True)
class BusinessUnitDef:
    code: str  # e.g. IND
    name_cn: str
    name_en: str
    short_cn: str
    calendar: str  # "CN" or "INTL" working-day calendar
    account_share: float  # share of accounts
    industries: tuple[tuple[str, float], ...]
    family_weights: tuple[tuple[str, float], ...]  # primary product family of an opportunity
    regions: tuple[RegionDef, ...]


BUSINESS_UNITS: tuple[BusinessUnitDef, ...] = (
    BusinessUnitDef(
        "IND", "工业事业部", "Industrial", "工业", "CN", 0.55,
        (("Manufacturing", 30), ("Automotive", 14), ("Electronics", 14), ("Energy & Utilities", 12),
         ("Chemicals", 10), ("Logistics", 10), ("Food & Beverage", 10)),
        (("Sensors", 25), ("Gateways", 15), ("Platform Software", 20), ("Analytics", 18), ("Services", 10),
         ("Spare Parts", 12)),
        (RegionDef("EAST", "华东", "East", 2), RegionDef("NORTH", "华北", "North", 1),
         RegionDef("SOUTH", "华南", "South", 1), RegionDef("WEST", "西部", "West", 1)),
    ),
    BusinessUnitDef(
        "MED", "医疗事业部", "Healthcare", "医疗", "CN", 0.30,
        (("Hospitals", 45), ("Medical Devices", 25), ("Pharmaceuticals", 20), ("Life Sciences", 10)),
        (("Sensors", 20), ("Gateways", 18), ("Platform Software", 30), ("Analytics", 10), ("Services", 12),
         ("Spare Parts", 10)),
        (RegionDef("EAST", "华东", "East", 1), RegionDef("NORTH", "华北", "North", 1),
         RegionDef("SOUTH", "华南", "South", 1), RegionDef("WEST", "西部", "West", 1)),
    ),
    BusinessUnitDef(
        "INTL", "国际事业部", "International", "国际", "INTL", 0.15,
        (("Manufacturing", 35), ("Energy & Utilities", 20), ("Electronics", 15), ("Logistics", 15),
         ("Hospitals", 15)),
        (("Sensors", 30), ("Gateways", 25), ("Platform Software", 15), ("Analytics", 15), ("Services", 10),
         ("Spare Parts", 5)),
        (RegionDef("APAC", "亚太", "APAC", 1), RegionDef("AMEU", "欧美", "Americas & Europe", 1)),
    ),
)

# Geography per region code: (country, province/state, weight, ((city, weight), ...)).
GEOGRAPHY: dict[str, tuple[tuple[str, str, float, tuple[tuple[str, float], ...]], ...]] = {
    "EAST": (
        ("CN", "上海", 10, (("上海", 1),)),
        ("CN", "江苏", 12, (("苏州", 5), ("南京", 4), ("无锡", 3), ("常州", 2), ("南通", 1))),
        ("CN", "浙江", 10, (("杭州", 5), ("宁波", 4), ("温州", 2), ("绍兴", 1))),
        ("CN", "安徽", 4, (("合肥", 3), ("芜湖", 1))),
        ("CN", "江西", 2, (("南昌", 1),)),
    ),
    "NORTH": (
        ("CN", "北京", 9, (("北京", 1),)),
        ("CN", "天津", 5, (("天津", 1),)),
        ("CN", "山东", 9, (("青岛", 5), ("济南", 4), ("烟台", 2), ("潍坊", 2))),
        ("CN", "河北", 4, (("石家庄", 2), ("唐山", 2), ("保定", 1))),
        ("CN", "河南", 4, (("郑州", 4), ("洛阳", 1))),
        ("CN", "辽宁", 4, (("沈阳", 2), ("大连", 2))),
        ("CN", "山西", 2, (("太原", 1),)),
    ),
    "SOUTH": (
        ("CN", "广东", 16, (("深圳", 6), ("广州", 5), ("东莞", 3), ("佛山", 3), ("珠海", 1))),
        ("CN", "福建", 6, (("厦门", 3), ("福州", 3), ("泉州", 2))),
        ("CN", "湖南", 3, (("长沙", 1),)),
        ("CN", "广西", 2, (("南宁", 2), ("柳州", 1))),
        ("CN", "海南", 1, (("海口", 1),)),
    ),
    "WEST": (
        ("CN", "四川", 6, (("成都", 5), ("绵阳", 1))),
        ("CN", "重庆", 5, (("重庆", 1),)),
        ("CN", "湖北", 5, (("武汉", 5), ("宜昌", 1))),
        ("CN", "陕西", 4, (("西安", 1),)),
        ("CN", "云南", 2, (("昆明", 1),)),
        ("CN", "贵州", 1, (("贵阳", 1),)),
        ("CN", "甘肃", 1, (("兰州", 1),)),
        ("CN", "新疆", 1, (("乌鲁木齐", 1),)),
    ),
    "APAC": (
        ("SG", "Singapore", 6, (("Singapore", 1),)),
        ("MY", "Selangor", 3, (("Shah Alam", 2), ("Petaling Jaya", 1))),
        ("TH", "Bangkok", 3, (("Bangkok", 1),)),
        ("AU", "New South Wales", 2, (("Sydney", 1),)),
        ("AU", "Victoria", 1, (("Melbourne", 1),)),
    ),
    "AMEU": (
        ("US", "California", 4, (("San Jose", 2), ("Los Angeles", 2))),
        ("US", "Texas", 3, (("Houston", 2), ("Austin", 1))),
        ("US", "Michigan", 2, (("Detroit", 1),)),
        ("US", "Illinois", 2, (("Chicago", 1),)),
        ("DE", "Bayern", 3, (("München", 2), ("Nürnberg", 1))),
        ("DE", "Baden-Württemberg", 2, (("Stuttgart", 1),)),
        ("DE", "Nordrhein-Westfalen", 2, (("Düsseldorf", 1), ("Köln", 1))),
    ),
}

# Account segments: weight (share of accounts), median deal size (CNY), deal-size sigma,
# median potential (CNY/yr), cycle-time multiplier, opportunity-frequency weight, discount mean (bp).
SEGMENTS: tuple[tuple[str, float, int, float, int, float, float, int], ...] = (
    ("Strategic", 0.02, 600_000, 0.9, 20_000_000, 2.0, 10.0, 1500),
    ("Enterprise", 0.10, 180_000, 0.85, 5_000_000, 1.45, 4.0, 1100),
    ("Mid-Market", 0.30, 55_000, 0.8, 1_000_000, 1.0, 1.6, 800),
    ("SMB", 0.58, 18_000, 0.75, 200_000, 0.65, 0.55, 500),
)
SEGMENT_EMPLOYEES = {"Strategic": (5000, 80000), "Enterprise": (1000, 8000), "Mid-Market": (200, 1500), "SMB": (10, 300)}
SEGMENT_PAYMENT_TERMS = {"Strategic": 90, "Enterprise": 90, "Mid-Market": 60, "SMB": 30}

LEAD_SOURCES_INBOUND = (("Web", 35), ("Trade Show", 25), ("Marketing Campaign", 20), ("Partner Referral", 20))
LEAD_SOURCES_OPP = (("Cold Call", 25), ("Customer Referral", 15), ("Partner Referral", 20), ("Trade Show", 15),
                    ("Web", 15), ("Marketing Campaign", 10))


# --- products ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductDef:
    code: str
    name: str
    family: str
    price_cny: int  # whole yuan
    unit_scale: float  # typical quantity multiplier (sensors sell by the hundred, platforms by one)
    bu_only: str | None = None  # only sold by this business unit
    discontinued: date | None = None


PRODUCTS: tuple[ProductDef, ...] = (
    ProductDef("SNS-VIB-100", "VS-100 Vibration Sensor 振动传感器", "Sensors", 1280, 40),
    ProductDef("SNS-VIB-300", "VS-300 Tri-axial Vibration Sensor 三轴振动传感器", "Sensors", 2680, 20),
    ProductDef("SNS-TMP-100", "TS-100 Temperature Sensor 温度传感器", "Sensors", 480, 80),
    ProductDef("SNS-THM-200", "TH-200 Temperature & Humidity Sensor 温湿度传感器", "Sensors", 620, 60),
    ProductDef("SNS-PRS-100", "PT-100 Pressure Transmitter 压力变送器", "Sensors", 1650, 30),
    ProductDef("SNS-FLW-200", "UF-200 Ultrasonic Flow Meter 超声波流量计", "Sensors", 8800, 6, "IND"),
    ProductDef("SNS-CUR-100", "CT-100 Current Sensor 电流传感器 (legacy)", "Sensors", 560, 50, None, date(2025, 7, 1)),
    ProductDef("SNS-GAS-100", "GD-100 Gas Detector 气体探测器", "Sensors", 3200, 10),
    ProductDef("GW-EDGE-200", "EG-200 Edge Gateway 边缘网关", "Gateways", 6800, 6),
    ProductDef("GW-EDGE-500", "EG-500 Industrial Edge Server 工业边缘服务器", "Gateways", 28000, 2, "IND"),
    ProductDef("GW-LORA-100", "LG-100 LoRa Gateway LoRa网关", "Gateways", 4200, 6),
    ProductDef("GW-5G-300", "IR-300 5G Industrial Router 5G工业路由器", "Gateways", 5600, 4),
    ProductDef("GW-PLC-100", "PC-100 Protocol Converter 协议转换器", "Gateways", 2400, 8, "IND"),
    ProductDef("GW-MED-100", "MG-100 Medical Device Gateway 医疗设备网关", "Gateways", 9800, 4, "MED"),
    ProductDef("PLT-CORE-STD", "IoT Platform Standard, annual 物联网平台标准版(年)", "Platform Software", 120000, 1),
    ProductDef("PLT-CORE-ENT", "IoT Platform Enterprise, annual 物联网平台企业版(年)", "Platform Software", 360000, 1),
    ProductDef("PLT-DEV-100", "Device Management per 100 devices, annual 设备管理(百台/年)", "Platform Software", 8000, 5),
    ProductDef("PLT-EHS-STD", "EHS Monitoring Module 安环监测模块", "Platform Software", 60000, 1, "IND"),
    ProductDef("PLT-MED-STD", "Hospital Asset Tracking Platform 医院资产定位平台", "Platform Software", 150000, 1, "MED"),
    ProductDef("PLT-API-STD", "Open API Package 开放接口包", "Platform Software", 30000, 1),
    ProductDef("ANA-PDM-STD", "Predictive Maintenance 预测性维护", "Analytics", 180000, 1, "IND"),
    ProductDef("ANA-ENG-STD", "Energy Analytics 能耗分析", "Analytics", 96000, 1),
    ProductDef("ANA-OEE-STD", "OEE Dashboard 设备综合效率看板", "Analytics", 72000, 1, "IND"),
    ProductDef("ANA-QLT-STD", "Quality Analytics 质量分析", "Analytics", 110000, 1),
    ProductDef("ANA-AI-ADD", "AI Anomaly Detection Add-on AI异常检测", "Analytics", 150000, 1),
    ProductDef("ANA-RPT-STD", "Reporting Pack 报表包", "Analytics", 24000, 1),
    ProductDef("SVC-IMP-DAY", "Implementation, person-day 实施服务(人天)", "Services", 2800, 10),
    ProductDef("SVC-INS-DAY", "On-site Installation, person-day 现场安装(人天)", "Services", 1800, 8),
    ProductDef("SVC-TRN-DAY", "Training, day 培训(天)", "Services", 6000, 2),
    ProductDef("SVC-CON-DAY", "Consulting, day 咨询(天)", "Services", 5000, 4),
    ProductDef("SVC-SUP-STD", "Premium Support, annual 高级支持(年)", "Services", 48000, 1),
    ProductDef("SVC-SUP-GLD", "Gold Support, annual 金牌支持(年)", "Services", 96000, 1),
    ProductDef("SVC-CUS-PKG", "Custom Integration Package 定制集成包", "Services", 80000, 1),
    ProductDef("SPR-BAT-100", "Sensor Battery Pack 传感器电池组", "Spare Parts", 120, 60),
    ProductDef("SPR-ANT-100", "External Antenna 外置天线", "Spare Parts", 260, 20),
    ProductDef("SPR-MNT-100", "Mounting Kit 安装支架", "Spare Parts", 180, 40),
    ProductDef("SPR-CBL-100", "Shielded Cable 10 m 屏蔽电缆", "Spare Parts", 150, 40),
    ProductDef("SPR-PSU-100", "Industrial Power Supply 工业电源", "Spare Parts", 680, 10),
    ProductDef("SPR-ENC-100", "IP67 Enclosure 防护外壳", "Spare Parts", 900, 10),
    ProductDef("SPR-PRB-100", "Replacement Probe 替换探头 (legacy)", "Spare Parts", 420, 20, None, date(2024, 10, 1)),
)
FAMILIES = ("Sensors", "Gateways", "Platform Software", "Analytics", "Services", "Spare Parts")
# Families that usually come along with a primary family on the same deal.
COMPANION_FAMILIES = {
    "Sensors": ("Gateways", "Services", "Spare Parts"),
    "Gateways": ("Sensors", "Platform Software", "Services"),
    "Platform Software": ("Services", "Analytics", "Gateways"),
    "Analytics": ("Services", "Platform Software"),
    "Services": ("Services",),
    "Spare Parts": ("Spare Parts",),
}
FAMILY_PROJECTS = {
    "Sensors": ("产线振动监测", "温湿度监控", "设备状态监测", "压力监测改造", "Sensor rollout"),
    "Gateways": ("边缘网关部署", "IoT网关升级", "5G联网改造", "Gateway refresh"),
    "Platform Software": ("物联网平台", "设备管理平台", "资产定位平台", "Platform subscription"),
    "Analytics": ("预测性维护", "能耗分析", "质量分析项目", "OEE看板", "Analytics pilot"),
    "Services": ("实施服务", "集成项目", "运维支持续约", "Support renewal"),
    "Spare Parts": ("备件采购", "年度备件", "Spare parts order"),
}
USD_PRICE_DIVISOR = 6.5  # international list prices carry a premium over the CNY list


# --- people ------------------------------------------------------------------------------------

SURNAMES = (
    ("王", "wang", 9), ("李", "li", 9), ("张", "zhang", 8), ("刘", "liu", 7), ("陈", "chen", 6), ("杨", "yang", 4),
    ("黄", "huang", 3), ("赵", "zhao", 3), ("吴", "wu", 3), ("周", "zhou", 3), ("徐", "xu", 2), ("孙", "sun", 2),
    ("马", "ma", 2), ("朱", "zhu", 2), ("胡", "hu", 2), ("郭", "guo", 2), ("何", "he", 2), ("林", "lin", 2),
    ("罗", "luo", 1), ("高", "gao", 1), ("郑", "zheng", 1), ("梁", "liang", 1), ("谢", "xie", 1), ("宋", "song", 1),
    ("唐", "tang", 1), ("韩", "han", 1), ("冯", "feng", 1), ("邓", "deng", 1), ("曹", "cao", 1), ("彭", "peng", 1),
)
GIVEN_NAMES = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("磊", "lei"), ("强", "qiang"),
    ("洋", "yang"), ("艳", "yan"), ("勇", "yong"), ("军", "jun"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
    ("超", "chao"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"), ("文", "wen"), ("浩", "hao"), ("宇", "yu"),
    ("欣怡", "xinyi"), ("子涵", "zihan"), ("俊杰", "junjie"), ("思远", "siyuan"), ("晓东", "xiaodong"),
    ("建华", "jianhua"), ("海燕", "haiyan"), ("志强", "zhiqiang"), ("丽", "li"), ("鹏", "peng"), ("辉", "hui"),
    ("琳", "lin"), ("颖", "ying"), ("斌", "bin"), ("凯", "kai"), ("雪", "xue"), ("晨", "chen"), ("佳怡", "jiayi"),
    ("雨桐", "yutong"), ("家豪", "jiahao"), ("梓轩", "zixuan"), ("婷", "ting"), ("鑫", "xin"), ("博", "bo"),
)
APAC_NAMES_FIRST = ("Wei Ming", "Jia Hui", "Kumar", "Siti", "Arjun", "Mei Ling", "Somchai", "Nur", "Daniel", "Rachel",
                    "Hafiz", "Priya", "Kenneth", "Aileen", "Marcus")
APAC_NAMES_LAST = ("Tan", "Lim", "Ng", "Wong", "Lee", "Rahman", "Nair", "Chua", "Ong", "Srisuk", "Goh", "Teo")
WEST_NAMES_FIRST = ("John", "Emily", "Michael", "Sarah", "David", "Laura", "James", "Anna", "Robert", "Julia", "Thomas",
                    "Katharina", "Brian", "Megan", "Lukas")
WEST_NAMES_LAST = ("Miller", "Smith", "Johnson", "Brown", "Davis", "Wilson", "Schmidt", "Müller", "Weber", "Fischer",
                   "Anderson", "Taylor", "Becker", "Moore")

# Levels: annual base salary in CNY (international reps get USD = CNY / 5.5, rounded).
LEVEL_SALARY_CNY = {"S1": 168_000, "S2": 228_000, "S3": 312_000, "S4": 420_000, "M1": 540_000, "M2": 840_000,
                    "M3": 1_260_000, "P2": 240_000, "P3": 396_000}
LEVEL_TITLES = {
    "S1": "Sales Representative 销售代表",
    "S2": "Senior Sales Representative 高级销售代表",
    "S3": "Account Manager 客户经理",
    "S4": "Senior Account Manager 高级客户经理",
    "M1": "Sales Manager 销售经理",
    "M2": "Sales Director 销售总监",
    "M3": "VP Sales 销售副总裁",
    "P2": "Sales Operations Analyst 销售运营分析师",
    "P3": "Sales Operations Manager 销售运营经理",
}
# Years of tenure at which a rep is typically promoted to the next level.
PROMOTION_TENURE = (("S2", 1.6), ("S3", 3.6), ("S4", 6.5))


# --- accounts ------------------------------------------------------------------------------------

CN_NAME_PREFIXES = (
    "恒达", "华通", "宏远", "鑫源", "中科", "天成", "金桥", "瑞丰", "博远", "新锐", "永盛", "汇能", "安捷", "东岳", "凯盛",
    "明辉", "嘉禾", "远洋", "华晟", "智联", "精诚", "国泰", "泰和", "长虹", "星河", "振华", "汇川", "蓝天", "龙腾", "信达",
    "宝利", "同创", "华瑞", "德立", "卓越", "海纳", "润和", "正航", "锦程", "联创",
)
CN_INDUSTRY_WORDS = {
    "Manufacturing": ("精密机械", "装备制造", "机电", "重工", "自动化设备", "五金制品"),
    "Automotive": ("汽车零部件", "汽车电子", "新能源汽车", "车桥"),
    "Electronics": ("电子科技", "半导体", "光电", "电路板"),
    "Energy & Utilities": ("新能源", "电力", "水务", "燃气", "光伏"),
    "Chemicals": ("化工", "新材料", "涂料", "石化"),
    "Logistics": ("物流", "供应链", "仓储"),
    "Food & Beverage": ("食品", "乳业", "饮料", "酿造"),
    "Pharmaceuticals": ("制药", "药业", "生物制药"),
    "Medical Devices": ("医疗器械", "医疗科技", "医用设备"),
    "Life Sciences": ("生物科技", "基因科技", "检测技术"),
    "Hospitals": (),
}
CN_SUFFIXES = (("有限公司", 70), ("股份有限公司", 20), ("集团有限公司", 10))
HOSPITAL_PATTERNS = ("{city}市第{n}人民医院", "{city}市中心医院", "{city}{prefix}医院", "{province}省人民医院",
                     "{city}市中医院", "{city}{prefix}妇幼保健院", "{city}医科大学附属第{n}医院", "{city}{prefix}口腔医院",
                     "{city}{prefix}眼科医院", "{city}{prefix}康复医院", "{city}{prefix}体检中心",
                     "{city}{prefix}医学检验实验室", "{city}{prefix}门诊部", "{city}{prefix}骨科医院")
EN_NAME_PREFIXES = ("Meridian", "Apex", "Northstar", "Pacific", "Summit", "Bluewater", "Ironbridge", "Crescent",
                    "Evergreen", "Pinnacle", "Redwood", "Silverline", "Keystone", "Harbor", "Vantage", "Lakeside")
EN_INDUSTRY_WORDS = {
    "Manufacturing": ("Precision", "Manufacturing", "Industries", "Machining"),
    "Energy & Utilities": ("Energy", "Power", "Utilities", "Renewables"),
    "Electronics": ("Electronics", "Semiconductor", "Circuits"),
    "Logistics": ("Logistics", "Freight", "Supply Chain"),
    "Hospitals": ("Medical Center", "Health", "Hospital"),
}
EN_SUFFIX_BY_COUNTRY = {"SG": "Pte. Ltd.", "MY": "Sdn. Bhd.", "TH": "Co., Ltd.", "AU": "Pty Ltd", "US": "Inc.",
                        "DE": "GmbH"}


# --- activities ---------------------------------------------------------------------------------

TASK_TYPES = (("Call", 45), ("Email", 40), ("Other", 15))
TASK_SUBJECTS = {
    "Call": ("电话跟进 Follow-up call", "需求确认电话 Discovery call", "报价跟进 Quote follow-up",
             "回款提醒 Payment reminder", "客户回访 Customer check-in"),
    "Email": ("发送方案 Send proposal", "发送报价单 Send quote", "会议纪要 Meeting notes", "产品资料 Product brochure",
              "合同草稿 Contract draft"),
    "Other": ("准备投标文件 Prepare tender docs", "内部评审 Internal review", "合同审批 Contract approval",
              "更新客户信息 Update account data"),
}
EVENT_TYPES = (("Visit", 45), ("Meeting", 35), ("Demo", 20))
EVENT_SUBJECTS = {
    "Visit": ("客户拜访 Customer visit", "现场勘查 Site survey", "高层拜访 Executive visit"),
    "Meeting": ("需求沟通会 Requirements meeting", "商务洽谈 Commercial meeting", "季度业务回顾 QBR"),
    "Demo": ("产品演示 Product demo", "平台演示 Platform demo", "POC 汇报 POC review"),
}
EVENT_DURATIONS = (30, 60, 60, 60, 90, 120, 180)


# --- ERP ----------------------------------------------------------------------------------------

GL_ACCOUNTS = {  # category -> (GL account, posting text)
    "travel": ("6601.01", "差旅费 Travel"),
    "entertainment": ("6601.02", "业务招待费 Entertainment"),
    "marketing": ("6601.03", "市场推广费 Marketing"),
    "events": ("6601.04", "会议展览费 Events & trade shows"),
    "training": ("6601.05", "培训费 Training"),
    "other": ("6601.99", "其他销售费用 Other"),
}
FX_PLAN_USD = {2023: 7.00, 2024: 7.10, 2025: 7.20, 2026: 7.18, 2027: 7.15, 2028: 7.12}


# --- calendar ------------------------------------------------------------------------------------

CHINESE_NEW_YEAR = {
    2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28), 2018: date(2018, 2, 16),
    2019: date(2019, 2, 5), 2020: date(2020, 1, 25), 2021: date(2021, 2, 12), 2022: date(2022, 2, 1),
    2023: date(2023, 1, 22), 2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
    2031: date(2031, 1, 23), 2032: date(2032, 2, 11), 2033: date(2033, 1, 31), 2034: date(2034, 2, 19),
    2035: date(2035, 2, 8),
}
