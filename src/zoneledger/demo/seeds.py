"""Facts named in the seed documents (DOMAIN.md §6–7), with invented amounts where the texts give none.

Amounts of named projects are illustrative; they are chosen so that the totals the seeds do
publish (文水经济开发区 2024) come out exactly.
"""

from datetime import date

SHANXI = ("140000", "山西省商务厅")
"""The demo ledger's province (its rounds and chains are Shanxi's) and its commerce department."""

# Round dates: 2023's are published; 2024's are illustrative.
ROUNDS = [
    ("2023-1", date(2023, 2, 22), "全省开发区2023年第一次“三个一批”活动", ""),
    ("2023-2", date(2023, 5, 29), "全省开发区2023年第二次“三个一批”活动", ""),
    ("2023-3", date(2023, 8, 31), "全省开发区2023年第三次“三个一批”活动", ""),
    (
        "2023-4",
        date(2023, 12, 1),
        "全省开发区2023年第四次“三个一批”活动",
        "太原中北高新区（主会场）；山西综改示范区",
    ),
    ("2024-1", date(2024, 3, 28), "全省开发区2024年第一次“三个一批”活动", ""),
    ("2024-2", date(2024, 6, 27), "全省开发区2024年第二次“三个一批”活动", ""),
    ("2024-3", date(2024, 9, 26), "全省开发区2024年第三次“三个一批”活动", ""),
    ("2024-4", date(2024, 12, 18), "全省开发区2024年第四次“三个一批”活动", ""),
]

# Province 2023 round 4 (seed 003): 签约233、开工225、投产225.
ROUND_2023_4_TOTALS = {"signed": 233, "started": 225, "commissioned": 225}

# name, short name, kind, level, division, leading industries, statistics code
NAMED_ZONES = [
    (
        "山西转型综合改革示范区",
        "山西综改示范区",
        "reform",
        "national",
        "140100",
        "高端装备、新材料、现代物流",
        "140171",
    ),
    ("太原中北高新技术产业开发区", "中北高新区", "htz", "provincial", "140100", "特钢、先进装备制造", ""),
    ("吕梁经济技术开发区", "吕梁经开区", "etdz", "provincial", "141100", "氢能、数字经济", ""),
    (
        "文水经济开发区",
        "文水经开区",
        "edz",
        "provincial",
        "141121",
        "碳基新材料、金属新材料、新能源、先进装备制造",
        "",
    ),
    (
        "孝义经济开发区",
        "孝义经开区",
        "edz",
        "provincial",
        "141181",
        "氢能、碳基新材料、铝镁新材料、白酒、固废综合利用",
        "",
    ),
    ("交城经济开发区", "交城经开区", "edz", "provincial", "141122", "", ""),
    ("兴县经济开发区", "兴县经开区", "edz", "provincial", "141123", "", ""),
    ("岚县经济开发区", "岚县经开区", "edz", "provincial", "141127", "", ""),
    ("交口经济开发区", "交口经开区", "edz", "provincial", "141130", "", ""),
    ("祁县经济开发区", "祁县经开区", "edz", "provincial", "140727", "", ""),
    ("临汾经济开发区", "临汾经开区", "edz", "provincial", "141000", "生物医药", ""),
    ("河津经济技术开发区", "河津经开区", "etdz", "provincial", "140882", "铝镁新材料、现代制药", ""),
]

# name, links upstream → downstream, leader, chain-master enterprises
CHAINS = [
    ("氢能", ["气", "站", "运", "车", "用", "研"], "", ["鹏飞集团"]),
    (
        "碳基新材料",
        ["原料", "材料", "制品"],
        "文水经济开发区党工委委员",
        ["晋能科技", "金地煤焦", "金源煤化"],
    ),
    ("金属新材料", ["冶炼", "加工", "制品"], "文水经济开发区党工委委员", ["吕梁建龙"]),
    ("新能源", ["发电", "储能", "应用"], "文水经济开发区党工委委员", ["国金电力"]),
    ("先进装备制造", ["零部件", "整机", "服务"], "文水经济开发区党工委委员", ["新光华"]),
    ("铝镁新材料", ["原料", "冶炼", "精深加工"], "", ["中铝山西新材料"]),
    ("白酒", ["原粮", "酿造", "销售"], "", []),
    ("固废综合利用", ["收集", "处理", "再生产品"], "", []),
    ("特钢", ["冶炼", "轧制", "深加工"], "", []),
    ("数字经济", ["基础设施", "平台", "应用"], "", []),
]

R = "round"  # an event presented at a round: (stage, round label)
D = "date"  # an event outside any round: (stage, date)

# 文水经济开发区: the three sentences of DOMAIN.md §6 as of 2024-12-31.
#   signed 2024: 7 projects, 105,500 万元, 3 started            → 开工率 43%
#   started 2024: 4 projects, 167,400 万元, 33,100 万元 completed
#   commissioned 2024: 3 projects, 56,500 万元, all at capacity  → 达产率 100%
# Each: name, investment (万元), chain, industry, events, approved monthly amounts {YYYY-MM: 万元}, illustrative
WENSHUI_PROJECTS = [
    (
        "年产7万吨萤石球和2×208m³高炉及配套设施节能降碳升级改造项目",
        32000,
        "金属新材料",
        "C31",
        [("signed", R, "2024-1"), ("started", R, "2024-2")],
        {"2024-07": 2000, "2024-09": 3000, "2024-11": 3000, "2025-02": 2500},
        False,
    ),
    (
        "交通装配式智能建造项目",
        15000,
        "先进装备制造",
        "C33",
        [("signed", R, "2024-1"), ("started", R, "2024-3")],
        {"2024-10": 1200, "2024-12": 800},
        False,
    ),
    (
        "绿色生物科技产业基地项目",
        12000,
        "碳基新材料",
        "C27",
        [("signed", R, "2024-2"), ("started", D, date(2024, 11, 15))],
        {"2024-12": 600},
        False,
    ),
    ("年产2.5万吨固态锂电池正极材料项目", 20000, "碳基新材料", "C38", [("signed", R, "2024-2")], {}, False),
    ("200MW/100.83MWh独立混合储能建设项目", 18500, "新能源", "D44", [("signed", R, "2024-3")], {}, False),
    ("年产5000吨碳基复合材料示例项目", 4500, "碳基新材料", "C30", [("signed", R, "2024-4")], {}, True),
    ("智能装备零部件加工示例项目", 3500, "先进装备制造", "C34", [("signed", R, "2024-4")], {}, True),
    (
        "吕梁建龙优特钢基地(二期)项目",
        100000,
        "金属新材料",
        "C31",
        [("signed", R, "2023-3"), ("started", R, "2024-1")],
        {"2024-04": 4000, "2024-06": 5000, "2024-08": 5000, "2024-10": 4000, "2025-01": 6000},
        False,
    ),
    (
        "惠源科技储能项目",
        20400,
        "新能源",
        "D44",
        [("signed", D, date(2023, 10, 20)), ("started", R, "2024-2"), ("commissioned", D, date(2025, 5, 20))],
        {"2024-08": 2000, "2024-10": 1500, "2024-12": 1600},
        False,
    ),
    (
        "文水经开区2024年投产示例项目一",
        25000,
        "碳基新材料",
        "C26",
        [("started", R, "2023-1"), ("commissioned", R, "2024-1"), ("at_capacity", D, date(2024, 10, 8))],
        {},
        True,
    ),
    (
        "文水经开区2024年投产示例项目二",
        18500,
        "金属新材料",
        "C32",
        [("started", R, "2023-2"), ("commissioned", R, "2024-2"), ("at_capacity", D, date(2024, 11, 18))],
        {},
        True,
    ),
    (
        "文水经开区2024年投产示例项目三",
        13000,
        "先进装备制造",
        "C34",
        [("started", R, "2023-2"), ("commissioned", R, "2024-3"), ("at_capacity", D, date(2024, 12, 20))],
        {},
        True,
    ),
    (
        "路桥交通科技园项目",
        26000,
        "先进装备制造",
        "C33",
        [("signed", R, "2023-1"), ("started", R, "2023-3")],
        {"2024-03": 3000, "2024-09": 4000},
        False,
    ),
    (
        "绿泽重工结构件项目",
        9000,
        "先进装备制造",
        "C33",
        [("signed", R, "2023-2"), ("started", R, "2023-4")],
        {"2024-05": 1500},
        False,
    ),
    ("德通泰钢梁项目", 11000, "金属新材料", "C33", [("started", R, "2023-4")], {"2024-06": 2000}, False),
    ("耀源色母粒项目", 6000, "碳基新材料", "C29", [("started", R, "2023-3")], {"2024-04": 900}, False),
]

# Other named projects with the stage the texts give them: zone, name, investment, chain, industry, events.
NAMED_PROJECTS = [
    (
        "孝义经济开发区",
        "恒旺高科年产2万吨电子级氧化铝项目",
        80000,
        "铝镁新材料",
        "C32",
        [("signed", R, "2023-1"), ("started", R, "2023-2"), ("commissioned", D, date(2024, 10, 30))],
    ),
    (
        "孝义经济开发区",
        "领泽新材料10万吨锂电电解液添加剂项目",
        60000,
        "碳基新材料",
        "C26",
        [("signed", R, "2023-2"), ("started", R, "2023-4")],
    ),
    (
        "孝义经济开发区",
        "年产30万辆氢燃料电池汽车制造项目",
        500000,
        "氢能",
        "C36",
        [("signed", R, "2023-3"), ("started", R, "2024-1")],
    ),
    (
        "孝义经济开发区",
        "汾青基地(一期)2万吨原酒酿造项目",
        150000,
        "白酒",
        "C15",
        [("signed", R, "2024-2"), ("started", D, date(2024, 11, 12))],
    ),
    (
        "孝义经济开发区",
        "东义铝镁产业园项目",
        300000,
        "铝镁新材料",
        "C32",
        [("signed", R, "2023-1"), ("started", R, "2023-3")],
    ),
    (
        "吕梁经济技术开发区",
        "3MW绿电离网制绿氢实验项目",
        6000,
        "氢能",
        "D44",
        [("signed", R, "2024-1"), ("started", R, "2024-3")],
    ),
    (
        "吕梁经济技术开发区",
        "新材料园区100MW绿电离网制绿氢项目",
        90000,
        "氢能",
        "D44",
        [("pipeline", D, date(2024, 12, 10))],
    ),
    (
        "山西转型综合改革示范区",
        "深国际·太原智慧物流制造中心项目",
        120000,
        "数字经济",
        "G59",
        [("signed", R, "2023-2"), ("started", R, "2023-4")],
    ),
    (
        "山西转型综合改革示范区",
        "文源学校建设工程项目",
        45000,
        "",
        "P83",
        [("signed", R, "2024-3"), ("started", D, date(2025, 2, 10))],
    ),
    (
        "山西转型综合改革示范区",
        "恒真无尾钢化真空玻璃产业园项目",
        35000,
        "",
        "C30",
        [("signed", R, "2023-1"), ("started", R, "2023-2"), ("commissioned", R, "2024-1")],
    ),
    (
        "太原中北高新技术产业开发区",
        "特钢产业链钢材配套深加工项目",
        110000,
        "特钢",
        "C31",
        [("signed", R, "2023-3"), ("started", R, "2023-4")],
    ),
    (
        "太原中北高新技术产业开发区",
        "太钢4300mm中厚板智能升级改造项目",
        280000,
        "特钢",
        "C31",
        [("started", D, date(2022, 6, 15)), ("commissioned", R, "2023-4")],
    ),
]

QIXIAN_GEOTHERMAL = {
    "zone": "祁县经济开发区",
    "name": "开发区及东观镇企业居民地热源供热项目",
    "investment": 15000,
    "industry": "D44",
    "leader": "董永兴",
    "task_force": "管委会主要领导牵头的地热源供热项目工作专班（周调度、月汇报）",
    "content": "一次管网建设及运营（招商引资+市场化运作）；二次管网由居民承担、企业自筹、政府申请专项资金",
    "events": [("pipeline", D, date(2025, 2, 12))],
    "milestones": [
        ("完成合作协议签订", date(2025, 3, 31)),
        ("启动管网建设", date(2025, 4, 15)),
    ],
    # Illustrative: the seeds give no project code. Its approvals arrive from the platform first (unmatched), then
    # the zone enters the code and they are matched; one item of another 祁县 code stays waiting.
    "code": "2025-140727-44-03-00001X",
    "approvals": [
        (
            "2025-140727-44-03-00001X",
            "filing",
            "祁县行政审批服务管理局",
            "done",
            "祁审批备〔2025〕8号",
            date(2025, 2, 20),
        ),
        ("2025-140727-44-03-00001X", "land_preview", "晋中市自然资源局", "in_progress", "", None),
        ("2025-140727-44-03-00001X", "environment", "晋中市生态环境局祁县分局", "not_started", "", None),
        ("2025-140727-30-03-00002X", "filing", "祁县行政审批服务管理局", "in_progress", "", None),
    ],
    # The zone's plan (a template of the province's): 10 working days from the agreement to the pipe works, 4 April
    # (清明) being a holiday, puts the agreement on 31 March when the works start on 15 April.
    "template": {
        "name": "地热供热项目（协议→管网）",
        "description": "合作协议签订后十个工作日启动一次管网建设",
        "steps": [
            {
                "title": "完成合作协议签订",
                "working_days": 15,
                "after_previous": True,
                "kind": "stage_target",
                "stage": "signed",
            },
            {"title": "启动管网建设", "working_days": 10, "after_previous": True, "kind": "construction", "stage": ""},
        ],
    },
}

# Monthly amounts entered but not yet approved: they must not count in completed investment.
WENSHUI_SUBMITTED = [("年产7万吨萤石球和2×208m³高炉及配套设施节能降碳升级改造项目", "2024-12", 1500)]
