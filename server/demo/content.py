"""The demo city: Gaoyou (高邮市), Jiangsu, and the words of its 12345 hotline.

Pure, deterministic data for ``seed-demo`` and tests: departments, a two-level
category tree (like Open311 service codes), places with coordinates, what citizens
say on the phone, what departments answer, and demo users of every role. All
user-facing text is Simplified Chinese. Nothing here is random at import; the
helpers that invent citizens take an explicit ``random.Random``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from casework.order import Channel, Importance, RequestKind, ResultCode
from casework.roles import Role
from casework.schemas import CitizenIn, DepartmentKind, OrderIntake
from casework.sla import Complexity, Urgency
from casework.vocabulary import zh_names

CITY = "高邮市"
CITY_EN = "Gaoyou"
PREFECTURE = "扬州市"
PROVINCE = "江苏省"
HOTLINE_NAME = "高邮市12345政务服务热线"
ORDER_PREFIX = "GY"
"""Prefix of work order numbers, e.g. ``GY20261128-0042``."""
CITY_CENTRE = (32.781, 119.459)
"""(latitude, longitude) of the city centre."""

CENTRE_CODE = "RXZX"
LEADERSHIP_CODE = "ZFB"

ROLES = tuple(role.value for role in Role)
REQUEST_KINDS = zh_names(RequestKind)
RESULT_CODES = zh_names(ResultCode)
CHANNEL_WEIGHTS = {
    "phone": 62,
    "wechat": 14,
    "mailbox": 8,
    "website": 7,
    "app": 5,
    "weibo": 4,
}
"""Relative share of each intake channel; the phone line dominates."""


@dataclass(frozen=True)
class DepartmentSpec:
    """A unit in CaseDesk: the hotline centre, a handling body or the leadership.

    ``kind`` is ``"centre"``, ``"department"`` or ``"leadership"``.
    """

    code: str
    name: str
    name_en: str
    kind: DepartmentKind


@dataclass(frozen=True)
class CategorySpec:
    """A node of the category tree; a leaf names the department usually handling it."""

    code: str
    name: str
    parent: str | None
    department: str | None
    name_en: str = ""


@dataclass(frozen=True)
class PlaceSpec:
    """An address in the demo city, with the street or town it belongs to."""

    district: str
    street: str
    address: str
    lat: float
    lon: float


@dataclass(frozen=True)
class RequestTemplate:
    """What a citizen says; ``description`` may hold ``{place}`` and ``{days}``."""

    kind: str
    title: str
    description: str


@dataclass(frozen=True)
class StaffSpec:
    """A demo user; leaders in charge carry the department codes of their portfolio."""

    username: str
    name: str
    role: str
    department: str
    portfolio: tuple[str, ...] = ()


DEPARTMENTS: list[DepartmentSpec] = [
    DepartmentSpec(CENTRE_CODE, "市12345政务服务热线中心", "12345 Hotline Centre", "centre"),
    DepartmentSpec(
        "ZJJ",
        "市住房和城乡建设局",
        "Housing and Urban-Rural Development Bureau",
        "department",
    ),
    DepartmentSpec("CGJ", "市城市管理局", "Urban Management Bureau", "department"),
    DepartmentSpec("JTJ", "市交通运输局", "Transport Bureau", "department"),
    DepartmentSpec("HBJ", "市生态环境局", "Ecology and Environment Bureau", "department"),
    DepartmentSpec("SJJ", "市市场监督管理局", "Market Regulation Bureau", "department"),
    DepartmentSpec(
        "RSJ",
        "市人力资源和社会保障局",
        "Human Resources and Social Security Bureau",
        "department",
    ),
    DepartmentSpec("JYJ", "市教育局", "Education Bureau", "department"),
    DepartmentSpec("WJW", "市卫生健康委员会", "Health Commission", "department"),
    DepartmentSpec(
        "ZGJ",
        "市自然资源和规划局",
        "Natural Resources and Planning Bureau",
        "department",
    ),
    DepartmentSpec("SWJ", "市水务局", "Water Affairs Bureau", "department"),
    DepartmentSpec("GAJ", "市公安局", "Public Security Bureau", "department"),
    DepartmentSpec("NYJ", "市农业农村局", "Agriculture and Rural Affairs Bureau", "department"),
    DepartmentSpec("GDGS", "国网高邮市供电公司", "State Grid Gaoyou Power Supply", "department"),
    DepartmentSpec("GYJD", "高邮街道办事处", "Gaoyou Subdistrict Office", "department"),
    DepartmentSpec("MPJD", "马棚街道办事处", "Mapeng Subdistrict Office", "department"),
    DepartmentSpec("CLZ", "车逻镇人民政府", "Cheluo Town Government", "department"),
    DepartmentSpec("LQZ", "龙虬镇人民政府", "Longqiu Town Government", "department"),
    DepartmentSpec(LEADERSHIP_CODE, "市政府办公室", "Office of the City Government", "leadership"),
]

DISTRICT_DEPARTMENTS: dict[str, str] = {
    "高邮街道": "GYJD",
    "马棚街道": "MPJD",
    "车逻镇": "CLZ",
    "龙虬镇": "LQZ",
}
"""Street or town name → the code of its own office, for orders routed by place."""


def _top(code: str, name: str, name_en: str) -> CategorySpec:
    return CategorySpec(code, name, None, None, name_en)


def _leaf(code: str, name: str, department: str, name_en: str) -> CategorySpec:
    return CategorySpec(code, name, code[:2], department, name_en)


CATEGORIES: list[CategorySpec] = [
    _top("01", "城乡建设", "Urban construction"),
    _leaf("0101", "道路维修", "ZJJ", "Road repair"),
    _leaf("0102", "路灯照明", "CGJ", "Street lighting"),
    _leaf("0103", "物业管理", "ZJJ", "Property management"),
    _leaf("0104", "老旧小区改造", "ZJJ", "Old estate renovation"),
    _leaf("0105", "电动车充电设施", "ZJJ", "E-bike charging"),
    _top("02", "生态环境", "Environment"),
    _leaf("0201", "噪声扰民", "HBJ", "Noise nuisance"),
    _leaf("0202", "大气污染", "HBJ", "Air pollution"),
    _leaf("0203", "水体污染", "HBJ", "Water pollution"),
    _top("03", "市容环卫", "City appearance and sanitation"),
    _leaf("0301", "违章建筑", "CGJ", "Illegal construction"),
    _leaf("0302", "占道经营", "CGJ", "Street vending"),
    _leaf("0303", "垃圾清运", "CGJ", "Refuse collection"),
    _leaf("0304", "园林绿化", "CGJ", "Parks and greenery"),
    _top("04", "交通出行", "Transport"),
    _leaf("0401", "公交线路", "JTJ", "Bus routes"),
    _leaf("0402", "出租车服务", "JTJ", "Taxi service"),
    _leaf("0403", "交通信号设施", "GAJ", "Traffic signals"),
    _leaf("0404", "违规停车", "GAJ", "Illegal parking"),
    _top("05", "市场监管", "Market regulation"),
    _leaf("0501", "食品安全", "SJJ", "Food safety"),
    _leaf("0502", "价格收费", "SJJ", "Prices and fees"),
    _leaf("0503", "消费维权", "SJJ", "Consumer rights"),
    _top("06", "劳动社保", "Labour and social security"),
    _leaf("0601", "拖欠工资", "RSJ", "Unpaid wages"),
    _leaf("0602", "社会保险", "RSJ", "Social insurance"),
    _leaf("0603", "养老金发放", "RSJ", "Pension payments"),
    _top("07", "教育卫生", "Education and health"),
    _leaf("0701", "学校招生", "JYJ", "School admissions"),
    _leaf("0702", "校外培训", "JYJ", "Private tutoring"),
    _leaf("0703", "医疗服务", "WJW", "Medical services"),
    _top("08", "自然资源与水务", "Land and water"),
    _leaf("0801", "用地审批", "ZGJ", "Land-use approval"),
    _leaf("0802", "不动产登记", "ZGJ", "Property registration"),
    _leaf("0803", "供水问题", "SWJ", "Water supply"),
    _leaf("0804", "排水防汛", "SWJ", "Drainage and flood control"),
    _top("09", "供电服务", "Electricity"),
    _leaf("0901", "停电报修", "GDGS", "Power outages"),
    _leaf("0902", "线路安全", "GDGS", "Line safety"),
    _top("10", "公共安全与基层治理", "Public safety and community"),
    _leaf("1001", "治安问题", "GAJ", "Public order"),
    _leaf("1002", "户籍证件", "GAJ", "Household registration"),
    _leaf("1003", "邻里纠纷", "GYJD", "Neighbour disputes"),
    _leaf("1004", "农村人居环境", "NYJ", "Rural living environment"),
    _leaf("1005", "畜禽养殖", "NYJ", "Livestock farming"),
]

PLACES: list[PlaceSpec] = [
    PlaceSpec("高邮街道", "通湖路", "通湖路通达小区", 32.7893, 119.4512),
    PlaceSpec("高邮街道", "北门大街", "北门大街68号", 32.7912, 119.4381),
    PlaceSpec("高邮街道", "南门大街", "南门大街盂城驿景区停车场", 32.7735, 119.4372),
    PlaceSpec("高邮街道", "府前街", "府前街与北门大街交叉口", 32.7868, 119.4402),
    PlaceSpec("高邮街道", "中市口", "中市口农贸市场", 32.7838, 119.4395),
    PlaceSpec("高邮街道", "文游路", "文游中路文游花园", 32.7876, 119.4468),
    PlaceSpec("高邮街道", "文游路", "文游北路文游台景区东门", 32.7958, 119.4425),
    PlaceSpec("高邮街道", "东大街", "东大街老粮站宿舍", 32.7851, 119.4427),
    PlaceSpec("高邮街道", "傅公桥路", "傅公桥路傅公桥小区", 32.7801, 119.4452),
    PlaceSpec("高邮街道", "海潮路", "海潮东路阳光花园", 32.7765, 119.4610),
    PlaceSpec("高邮街道", "琵琶路", "琵琶路琵琶苑", 32.7699, 119.4502),
    PlaceSpec("高邮街道", "蝶园路", "蝶园路东方花园", 32.7758, 119.4555),
    PlaceSpec("高邮街道", "秦邮路", "秦邮路秦邮苑", 32.7819, 119.4571),
    PlaceSpec("高邮街道", "盂城路", "盂城路菜场东侧", 32.7840, 119.4505),
    PlaceSpec("高邮街道", "武安路", "武安路实验小学南门", 32.7890, 119.4620),
    PlaceSpec("马棚街道", "屏淮路", "屏淮北路碧水新城南苑", 32.8032, 119.4575),
    PlaceSpec("马棚街道", "珠湖路", "珠湖路锦绣家园", 32.8085, 119.4498),
    PlaceSpec("马棚街道", "控湖路", "控湖路市人民医院西侧", 32.7985, 119.4480),
    PlaceSpec("马棚街道", "马棚路", "马棚路马棚菜场", 32.8120, 119.4433),
    PlaceSpec("马棚街道", "城北路", "城北路和谐花园", 32.8150, 119.4540),
    PlaceSpec("马棚街道", "东湖村", "马棚街道东湖村五组", 32.8270, 119.4600),
    PlaceSpec("马棚街道", "北海路", "北海路工业集中区", 32.8210, 119.4680),
    PlaceSpec("城南经济新区", "通湖路", "通湖南路城南新村", 32.7580, 119.4530),
    PlaceSpec("城南经济新区", "武安路", "武安南路建筑工地", 32.7530, 119.4610),
    PlaceSpec("城南经济新区", "南环路", "南环路汽配城", 32.7625, 119.4440),
    PlaceSpec("城南经济新区", "屏淮路", "屏淮南路体育公园", 32.7605, 119.4695),
    PlaceSpec("城南经济新区", "屏淮路", "屏淮南路城南菜市场", 32.7650, 119.4620),
    PlaceSpec("高邮经济开发区", "凌波路", "凌波路开发区管委会东侧", 32.7810, 119.4870),
    PlaceSpec("高邮经济开发区", "东环路", "东环路电缆产业园", 32.7900, 119.4960),
    PlaceSpec("高邮经济开发区", "海潮路", "海潮东路天润新城", 32.7760, 119.4800),
    PlaceSpec("高邮经济开发区", "秦邮路", "秦邮东路公交首末站", 32.7835, 119.4760),
    PlaceSpec("车逻镇", "车逻路", "车逻镇车逻路集镇段", 32.7060, 119.4470),
    PlaceSpec("车逻镇", "洪湖村", "车逻镇洪湖村三组", 32.6950, 119.4580),
    PlaceSpec("车逻镇", "车逻路", "车逻镇集镇农贸市场", 32.7085, 119.4498),
    PlaceSpec("车逻镇", "朝阳村", "车逻镇朝阳村养殖场附近", 32.6890, 119.4720),
    PlaceSpec("龙虬镇", "龙虬路", "龙虬镇龙虬路集镇段", 32.7750, 119.5530),
    PlaceSpec("龙虬镇", "南荡村", "龙虬镇南荡村二组", 32.7650, 119.5700),
    PlaceSpec("龙虬镇", "龙虬庄", "龙虬庄遗址东侧", 32.7712, 119.5485),
    PlaceSpec("龙虬镇", "汉留社区", "龙虬镇汉留社区", 32.7810, 119.5420),
    PlaceSpec("高邮街道", "人民路", "人民路百货大楼门口", 32.7828, 119.4447),
]

_T = RequestTemplate

REQUEST_TEMPLATES: dict[str, list[RequestTemplate]] = {
    "0101": [
        _T(
            "complaint",
            "小区门口路面坑洼不平",
            "{place}门口的路面坑坑洼洼，有好几个大坑，下雨天全是积水，"
            "电动车骑过去差点摔倒。"
            "已经反映{days}天了还没人来修，希望尽快处理。",
        ),
        _T(
            "help",
            "人行道地砖松动翘起",
            "{place}附近人行道的地砖松动翘起来了，一踩就溅一身泥水。老人小孩走路容易绊倒，麻烦派人来修一下。",
        ),
        _T(
            "suggestion",
            "建议增设减速带",
            "{place}这段路车速很快，旁边就是学校和小区出入口。建议在路口增设减速带和警示标志。",
        ),
    ],
    "0102": [
        _T(
            "help",
            "路灯不亮",
            "{place}这一段的路灯晚上全都不亮，已经{days}天了。晚上出门黑灯瞎火的，很不安全，请尽快维修。",
        ),
        _T(
            "complaint",
            "路灯白天常亮",
            "{place}的路灯白天也一直亮着，太浪费电了，之前打过电话也没人管。",
        ),
        _T(
            "suggestion",
            "背街小巷加装路灯",
            "{place}后面的巷子一盏路灯都没有，晚上下班回家很黑，建议加装几盏路灯。",
        ),
    ],
    "0103": [
        _T(
            "complaint",
            "物业收费不服务",
            "{place}的物业公司收了物业费不干事，楼道垃圾没人清，单元门坏了{days}天也不修。业主们意见很大。",
        ),
        _T(
            "consultation",
            "物业费上涨是否合规",
            "{place}物业通知明年物业费每平方米要涨五毛钱。想咨询一下物业费涨价需要走什么程序，是不是要业主大会同意。",
        ),
        _T(
            "help",
            "电梯频繁故障",
            "{place}的电梯最近经常出故障，昨天还困了人，物业说在等配件。请有关部门督促尽快修好。",
        ),
    ],
    "0104": [
        _T(
            "consultation",
            "老旧小区改造计划",
            "我住在{place}，小区是九十年代建的。想问一下今年老旧小区改造名单里有没有我们小区，什么时候开工。",
        ),
        _T(
            "complaint",
            "改造施工进度慢",
            "{place}搞老旧小区改造，路面挖开{days}天了一直没人施工，进出很不方便。希望加快进度。",
        ),
        _T(
            "suggestion",
            "老旧小区加装电梯",
            "{place}住的大多是老年人，爬楼很困难。建议政府支持老旧小区加装电梯，给一些补贴。",
        ),
    ],
    "0105": [
        _T(
            "report",
            "私拉电线给电动车充电",
            "{place}有不少住户从楼上私拉电线给电动车充电，电线就挂在窗户外面，存在很大的安全隐患，请相关部门管一管。",
        ),
        _T(
            "suggestion",
            "建议小区安装充电桩",
            "{place}没有电动车充电桩，很多人只能把电瓶拎回家充。建议在小区里安装集中充电桩。",
        ),
        _T(
            "consultation",
            "私家车位安装充电桩",
            "我住在{place}，想在自己的车位上安装新能源汽车充电桩。请问要找物业还是供电公司，需要办什么手续？",
        ),
    ],
    "0201": [
        _T(
            "complaint",
            "工地夜间施工噪声",
            "{place}旁边的工地每天晚上十一点以后还在施工，机器声音很大，吵得人睡不着觉。已经{days}天了。",
        ),
        _T(
            "complaint",
            "广场舞音响声音太大",
            "{place}附近每天晚上跳广场舞，音响开得特别大，一直放到九点多。家里小孩要写作业，希望管一管。",
        ),
        _T(
            "report",
            "商铺高音喇叭扰民",
            "{place}几家商铺门口用高音喇叭循环播放促销广告，从早到晚不停，影响周边居民休息。",
        ),
    ],
    "0202": [
        _T(
            "report",
            "工厂夜间排放废气",
            "{place}附近有家工厂一到晚上就排放刺鼻的废气，开窗都不敢。怀疑是偷排，请环保部门来查一下。",
        ),
        _T(
            "complaint",
            "露天焚烧垃圾",
            "{place}旁边经常有人露天焚烧垃圾和秸秆，烟很大，呛得人直咳嗽。",
        ),
        _T(
            "complaint",
            "工地扬尘严重",
            "{place}旁边的工地没有覆盖防尘网，一刮风满天都是灰。家里窗台一天就落一层土。",
        ),
    ],
    "0203": [
        _T(
            "report",
            "河道发黑发臭",
            "{place}边上的河道最近发黑发臭，还漂着死鱼，怀疑有人往河里排污水。",
        ),
        _T(
            "report",
            "养殖废水直排沟渠",
            "{place}附近的养殖场把废水直接排进沟渠，水都变色了。下游还有人在用这个水浇地。",
        ),
    ],
    "0301": [
        _T(
            "report",
            "阳台搭建鸽子棚",
            "{place}有个住户在阳台上搭建了一个鸽子棚，鸽子粪便和羽毛到处飞，影响了我们的正常生活，请尽快处理。",
        ),
        _T(
            "report",
            "楼顶违章加盖",
            "{place}顶楼住户在楼顶私自加盖了一间彩钢房，担心楼板承重有问题，也影响其他住户。",
        ),
        _T(
            "consultation",
            "农村自建房翻建手续",
            "我家在{place}，老房子想翻建，想咨询一下需要办理什么手续，找哪个部门。",
        ),
    ],
    "0302": [
        _T(
            "complaint",
            "流动摊贩占道经营",
            "{place}门口早晚都有流动摊贩占道经营，把人行道和非机动车道都堵住了。地上还留下很多垃圾。",
        ),
        _T(
            "complaint",
            "餐馆出店经营",
            "{place}几家餐馆把桌子摆到人行道上，晚上烧烤油烟很大，行人只能走到马路上。",
        ),
    ],
    "0303": [
        _T(
            "complaint",
            "垃圾桶满溢无人清运",
            "{place}的垃圾桶已经满了{days}天没人清运，天气热，味道很大，还招苍蝇。",
        ),
        _T(
            "help",
            "路边乱倒建筑垃圾",
            "{place}路边被人倒了一大堆装修垃圾，占了半条路，请安排清运。",
        ),
        _T(
            "consultation",
            "大件垃圾怎么处理",
            "想咨询一下，家里的旧沙发和床垫这种大件垃圾怎么处理？{place}附近有没有投放点？",
        ),
    ],
    "0304": [
        _T(
            "help",
            "行道树遮挡路灯和标志",
            "{place}路边的行道树枝叶太茂盛，挡住了路灯和交通标志，还碰到了电线。请安排修剪。",
        ),
        _T(
            "complaint",
            "公共绿地被毁种菜",
            "{place}的公共绿地被几户居民毁掉种菜，还浇粪水，味道很大。",
        ),
    ],
    "0401": [
        _T(
            "suggestion",
            "建议增开公交线路",
            "{place}附近新建了好几个小区，但是走到最近的公交站要二十分钟。建议增开或调整一条公交线路。",
        ),
        _T(
            "complaint",
            "公交车不按时发车",
            "{place}站的公交车经常不按时刻表发车，早上有时等四十分钟都等不到，上班老是迟到。",
        ),
        _T(
            "consultation",
            "老年人乘车卡办理",
            "想咨询一下老年人免费乘车卡在哪里办，需要带什么材料？我家住在{place}。",
        ),
    ],
    "0402": [
        _T(
            "complaint",
            "出租车拒载绕路",
            "昨天晚上在{place}打车，司机嫌路近拒载，后来换了一辆又故意绕路，多收了十几块钱。",
        ),
        _T(
            "complaint",
            "出租车不打表",
            "在{place}上的出租车，司机不打表，一口价要三十元，明显比平时贵。",
        ),
    ],
    "0403": [
        _T(
            "help",
            "红绿灯故障",
            "{place}路口的红绿灯坏了，一直闪黄灯。早晚高峰车很多，非常危险，请尽快修复。",
        ),
        _T(
            "suggestion",
            "延长行人绿灯时间",
            "{place}路口行人绿灯时间太短，老年人走到一半就变红灯了，建议延长一些。",
        ),
    ],
    "0404": [
        _T(
            "complaint",
            "私家车堵塞消防通道",
            "{place}的消防通道长期被私家车占用，万一发生火灾消防车根本进不来。",
        ),
        _T(
            "complaint",
            "路边乱停车造成拥堵",
            "{place}两边都停满了车，只剩一条车道，早晚接送孩子的时候堵得动不了。",
        ),
        _T(
            "report",
            "僵尸车长期占用车位",
            "{place}路边有一辆车停了{days}天没动过，车身全是灰，轮胎也瘪了，一直占着车位。",
        ),
    ],
    "0501": [
        _T(
            "report",
            "饭店后厨卫生差",
            "昨天在{place}附近一家饭店吃饭，后厨卫生很差，回家后一家人都拉肚子。请市场监管部门检查一下。",
        ),
        _T(
            "report",
            "超市销售过期食品",
            "{place}的一家超市在卖过期的牛奶和面包，我买到了，小票还留着。",
        ),
    ],
    "0502": [
        _T(
            "complaint",
            "停车场乱收费",
            "{place}的停车场没有公示收费标准，停了两个小时收了二十元，感觉收费不合理。",
        ),
        _T(
            "consultation",
            "菜市场不明码标价",
            "想咨询一下，{place}附近菜市场很多摊位没有标价，买的时候随口要价，这种情况归谁管？",
        ),
    ],
    "0503": [
        _T(
            "complaint",
            "健身房预付卡无法退费",
            "我在{place}的一家健身房办了年卡，充了两千多块钱，现在店关门了，老板联系不上。",
        ),
        _T(
            "complaint",
            "手机质量问题商家不退换",
            "在{place}一家手机店买的手机有质量问题，商家不给退换，只说可以寄回厂家维修。",
        ),
    ],
    "0601": [
        _T(
            "help",
            "工地拖欠农民工工资",
            "我们在{place}的工地干了三个多月，包工头一直拖欠工资，一共十几个人。快过年了，希望政府帮帮我们。",
        ),
        _T(
            "complaint",
            "离职后公司拖欠工资",
            "我在{place}的一家公司上班，离职两个月了，公司还欠我一个月工资没发。找了几次都说再等等。",
        ),
    ],
    "0602": [
        _T(
            "consultation",
            "灵活就业人员参保",
            "想咨询一下灵活就业人员怎么交社保，每个月交多少钱？{place}附近哪里可以办？",
        ),
        _T(
            "complaint",
            "单位未缴纳社保",
            "我在{place}一家厂里上班一年多了，厂里一直没给我缴社保，请相关部门核查。",
        ),
    ],
    "0603": [
        _T(
            "help",
            "养老金和住房补贴分在两家银行",
            "我每个月要去农业银行取养老金，去工商银行取房屋补贴，农业银行台阶太高，"
            "取钱不方便。"
            "能不能把养老金也发到工商银行卡上？我住在{place}。",
        ),
        _T(
            "consultation",
            "养老金调整到账时间",
            "我是住在{place}的退休职工，想问一下今年的养老金调整什么时候能到账。",
        ),
    ],
    "0701": [
        _T(
            "consultation",
            "小学学区划分",
            "我家住在{place}，孩子明年上小学。想咨询一下我们这里对应哪个学校，入学要准备什么材料。",
        ),
        _T(
            "complaint",
            "随迁子女入学报名被拒",
            "我们在{place}买了房，户口还没迁过来，孩子上学报名被拒了，希望给个说法。",
        ),
    ],
    "0702": [
        _T(
            "report",
            "居民楼内无证办学",
            "{place}有一家培训机构在居民楼里办班，学生很多，没看到办学许可证，担心安全问题。",
        ),
        _T(
            "complaint",
            "培训机构拖延退费",
            "孩子在{place}的培训机构报了课，后来不想上了，剩下的课时费机构一直拖着不退。",
        ),
    ],
    "0703": [
        _T(
            "complaint",
            "医院排队时间过长",
            "在{place}附近的医院看病，挂号、缴费、取药每个环节都要排很长的队，一上午才看一个门诊。",
        ),
        _T(
            "suggestion",
            "社区医院增加夜间门诊",
            "{place}附近的社区卫生服务中心下午五点就下班了，上班族看病很不方便。建议增加夜间门诊。",
        ),
        _T(
            "consultation",
            "家庭医生签约",
            "想咨询一下家庭医生签约服务怎么办理，{place}的社区卫生服务站可以签吗？",
        ),
    ],
    "0801": [
        _T(
            "consultation",
            "生猪养殖用地手续",
            "听说办养猪场不用办审批手续，是真的吗？我在{place}有块地想搞生猪养殖。",
        ),
        _T(
            "report",
            "占用耕地建房",
            "{place}有人在耕地上打地基建房子，已经砌了一圈墙，请自然资源部门来看看是否合法。",
        ),
    ],
    "0802": [
        _T(
            "consultation",
            "交房后迟迟不办房产证",
            "我在{place}买的房子交付{days}天了，开发商还没给办房产证，想咨询一下怎么办。",
        ),
        _T(
            "help",
            "不动产登记预约不上",
            "想去办二手房过户，网上一直约不到号。我住在{place}，能不能帮忙协调一下。",
        ),
    ],
    "0803": [
        _T(
            "help",
            "小区突然停水",
            "{place}从今天早上开始停水，没有任何通知，家里老人做饭都没水用。请问什么时候能恢复？",
        ),
        _T(
            "complaint",
            "自来水发黄有异味",
            "{place}的自来水最近几天发黄，还有异味，不敢直接喝。",
        ),
        _T(
            "complaint",
            "高层水压不足",
            "{place}高层住户水压很小，一到用水高峰五楼以上就没水，已经{days}天了。",
        ),
    ],
    "0804": [
        _T(
            "help",
            "雨后路面严重积水",
            "每次下大雨，{place}附近的积水都没过膝盖，车辆熄火，行人没法走。请疏通排水管道。",
        ),
        _T(
            "complaint",
            "下水道堵塞污水外溢",
            "{place}的下水道堵了，污水从井盖里冒出来，整条路都是臭味。",
        ),
    ],
    "0901": [
        _T(
            "help",
            "突然停电",
            "{place}从下午两点开始停电，到现在还没来电，家里冰箱里的东西都要坏了。请尽快抢修。",
        ),
        _T(
            "complaint",
            "频繁停电无通知",
            "{place}这个月已经停了好几次电，每次都没有提前通知，影响正常生活和做生意。",
        ),
    ],
    "0902": [
        _T(
            "report",
            "电线杆严重倾斜",
            "{place}路边有一根电线杆倾斜得很厉害，电线也垂得很低，担心倒下来伤人。",
        ),
        _T(
            "help",
            "电线被树枝压住冒火花",
            "{place}的电线被树枝压住了，刮风的时候还冒火花，请赶快派人处理。",
        ),
    ],
    "1001": [
        _T(
            "report",
            "棋牌室疑似聚众赌博",
            "{place}附近一间棋牌室每天晚上有很多人聚在一起，怀疑是在赌博，请公安部门查一查。",
        ),
        _T(
            "help",
            "电动车被盗",
            "我停在{place}楼下的电动车昨天晚上被偷了，已经报过警，想问问调查进展。",
        ),
        _T(
            "complaint",
            "烧烤店深夜喧哗",
            "{place}楼下的烧烤店每天到凌晨还有人喝酒划拳、大声喧哗，影响休息。",
        ),
    ],
    "1002": [
        _T(
            "consultation",
            "新生儿落户",
            "孩子刚出生，想咨询一下新生儿落户需要哪些材料，{place}附近的派出所能不能办？",
        ),
        _T(
            "consultation",
            "身份证异地补办",
            "我的身份证丢了，户口不在高邮，能不能在本地补办？我住在{place}。",
        ),
    ],
    "1003": [
        _T(
            "help",
            "楼上漏水协商不成",
            "{place}楼上住户家里漏水，把我家天花板泡坏了，找他们协商一直不理。希望社区帮忙调解。",
        ),
        _T(
            "complaint",
            "楼道长期堆放杂物",
            "{place}有住户长期在楼道里堆放杂物和纸箱，影响通行，还有消防隐患，说了也不听。",
        ),
    ],
    "1004": [
        _T(
            "complaint",
            "农村垃圾长期堆放",
            "{place}附近的垃圾点堆了好久没人清理，沟里也都是垃圾，夏天臭得很。",
        ),
        _T(
            "suggestion",
            "村道硬化",
            "{place}附近的村道还是泥巴路，一下雨就没法走，建议尽快硬化。",
        ),
        _T(
            "suggestion",
            "农村旱厕改造",
            "{place}附近还有不少人家用旱厕，卫生条件差，建议纳入农村改厕计划。",
        ),
    ],
    "1005": [
        _T(
            "complaint",
            "养猪场臭味扰民",
            "{place}附近新开了一家养猪场，离住户不到两百米，臭味很大，苍蝇特别多。",
        ),
        _T(
            "consultation",
            "生猪养殖补贴政策",
            "我在{place}养了两百多头猪，想咨询一下今年有没有生猪养殖方面的补贴政策。",
        ),
    ],
}

REPLY_TEMPLATES: dict[str, list[str]] = {
    "resolved": [
        (
            "您好！您反映的{place}相关问题已收悉。经核实，情况基本属实。"
            "我局已安排工作人员于当日赴现场处理，"
            "目前问题已整改到位。如有其他问题，欢迎继续通过12345热线反映。"
            "感谢您对我市工作的支持！"
        ),
        (
            "经核实，您反映的问题属实。我单位已责成相关责任方立即整改，"
            "并于次日组织复查，现场已恢复正常。"
            "后续我们将加强日常巡查，防止问题反弹。感谢您对我市工作的理解与支持！"
        ),
        (
            "您好！收到工单后，我单位第一时间与您电话联系了解具体情况，"
            "并会同属地社区赴{place}现场核查。"
            "现已安排维修人员处置完毕，您对处理结果表示认可。"
            "感谢您对我市工作的支持！"
        ),
        (
            "经现场核实，{place}存在您反映的情况。"
            "我局执法人员已依法责令当事人限期整改，"
            "当事人已在规定期限内整改完毕。感谢您对我市工作的监督与支持！"
        ),
        (
            "您好！经协调，相关费用已于本周足额发放到位，您已确认收到。"
            "我单位将进一步规范相关工作流程，避免类似情况再次发生。"
            "感谢您对我市工作的支持！"
        ),
    ],
    "partly_resolved": [
        (
            "经核实，您反映的{place}问题部分属实。目前已完成临时处置，"
            "彻底解决需纳入年度改造计划，"
            "预计于年底前实施。我单位将持续跟进，届时及时告知您进展。"
            "感谢您对我市工作的支持！"
        ),
        (
            "您好！经现场查看，我局已安排对{place}损坏部分进行应急修补。"
            "因涉及管网整体改造，"
            "需与相关单位协调，暂无法一次性解决，我们已将该问题列入重点跟踪事项。"
            "感谢您的理解！"
        ),
        (
            "经与相关方协调，已督促责任单位支付部分款项，剩余部分双方约定分期结清。"
            "我局将持续跟踪，如对方未按约定履行，将依法进一步处理。"
            "感谢您对我市工作的支持！"
        ),
        (
            "经核实，您反映的问题涉及多个部门。我单位职责范围内的事项已处理完毕，"
            "其余事项已函告相关职能部门协同办理。感谢您对我市工作的支持！"
        ),
    ],
    "explained": [
        (
            "您好！您反映的问题我单位已收悉并认真研究。经核实，"
            "相关做法符合现行政策规定，"
            "工作人员已电话联系您进行了详细解释说明，您表示理解。"
            "感谢您对我市工作的支持！"
        ),
        (
            "经核实，{place}的相关情况系依法依规实施，手续齐全。"
            "我单位已向您详细说明政策依据和办理流程，"
            "如仍有疑问，可在工作日拨打我单位咨询电话进一步了解。"
            "感谢您对我市工作的支持！"
        ),
        (
            "您好！关于您咨询的事项，现答复如下：您可携带本人身份证及相关证明材料，"
            "到市政务服务中心对应窗口办理，"
            "办理时限为5个工作日，办事指南可登录“高邮市人民政府”网站查询。"
            "感谢您的来电！"
        ),
        (
            "经调查，您反映的情况与实际存在一定出入。经现场查看，"
            "{place}未发现所反映的问题，"
            "我单位已与您沟通说明核查结果，后续将继续加强巡查。"
            "感谢您对我市工作的监督！"
        ),
    ],
    "not_feasible": [
        (
            "您好！经研究，您提出的建议暂不具备实施条件：{place}周边空间有限，"
            "且涉及地下管线迁移，"
            "短期内无法实施。我单位已将您的建议记录在案，待条件成熟时统筹考虑。"
            "感谢您对我市工作的关心！"
        ),
        (
            "经核实，您反映的事项属于民事纠纷，不属于行政机关职责范围，"
            "建议通过协商、"
            "人民调解或司法途径解决。"
            "我单位已向您说明相关救济渠道。感谢您的理解！"
        ),
        (
            "您好！您提出的诉求超出现行政策规定范围，依据现有文件暂无法满足。"
            "我单位已电话向您解释相关政策，如后续政策调整，将及时告知。"
            "感谢您对我市工作的支持！"
        ),
        (
            "经研究，该事项需结合全市规划统筹安排，目前尚未列入本年度建设计划，"
            "暂无法办理。"
            "我们将把您的建议作为下一年度计划编制的参考。感谢您的理解与支持！"
        ),
    ],
}

ONSITE_NOTES: list[str] = [
    "现场核实：路面有三处坑洼，最大一处约1米×0.6米，深约8厘米，周边未设警示标志。",
    "到达现场时问题仍然存在，已拍照留存，并向周边商户了解情况。",
    "现场查看路灯共12盏，其中5盏不亮，初步判断为线路老化，已通知维修班组。",
    "经现场测量，夜间22时噪声值约68分贝，超过居民区夜间标准。",
    "现场未发现诉求人反映的情况，已与诉求人电话联系，对方表示问题系间歇性出现。",
    "违建为阳台外挑彩钢棚，面积约6平方米，当事人在家，已现场送达限期整改通知书。",
    "垃圾堆放点约3立方米，以装修垃圾为主，已联系环卫所当日清运。",
    "会同社区网格员入户走访，双方当事人均在场，初步达成协商意向。",
    "河道水体颜色偏黑，有轻微异味，已在上游排口取样送检。",
    "现场积水深度约30厘米，雨水井篦子被落叶堵塞，已安排人员清掏。",
    "供电线路与树枝最近距离不足0.5米，已设置临时警示并联系园林部门修剪。",
    "工地未设置围挡喷淋，裸土未覆盖，已要求施工单位立即整改。",
]

INTERNAL_NOTES: list[str] = [
    "该诉求人近三个月来电5次，均为同一事项，答复口径注意保持一致。",
    "已与城管局执法中队电话沟通，对方同意本周四联合执法。",
    "涉及专项维修资金使用，需报局分管领导同意后实施。",
    "诉求人不希望透露其身份，入户核查时请注意方式方法。",
    "该小区物业合同年底到期，业委会正在选聘新物业，可结合推进。",
    "同类问题本月已有3件工单，建议列入热点问题台账。",
    "维修班组反馈配件需外地调货，预计下周二到货。",
    "当事人态度抵触，拟联系属地派出所配合送达。",
    "已查阅2023年同地点工单，当时答复承诺年内改造，需说明未落实原因。",
    "诉求人情绪激动，回复时注意措辞，必要时由科长当面沟通。",
]

RETURN_COMMENTS: list[str] = [
    "答复未说明具体整改时限，请补充。",
    "现场照片不清晰，请补充整改前后对比照片。",
    "答复口径过于笼统，请写明政策依据及文件文号。",
    "未体现与诉求人沟通情况，请联系诉求人后再行答复。",
    f"办理结果应为“{RESULT_CODES[ResultCode.PARTLY_RESOLVED]}”，请修改办理结果后重新提交。",
    "答复中有错别字，请认真校对后重新提交。",
    "答复内容与现场核查记录不一致，请核实后修改。",
    "请补充后续长效管理措施，避免问题反复。",
]

LEADER_INSTRUCTIONS: list[str] = [
    "这没有从根本上解决问题，请会同相关部门会商，拿出长效解决办法。",
    "请住建局牵头，会同属地街道一周内拿出整改方案。",
    "同类问题反复出现，请举一反三，开展专项整治。",
    "请单位主要负责人亲自过问，确保按期办结。",
    "群众利益无小事，请再次上门核实，切实解决到位。",
    "请将办理情况纳入月度通报，持续跟踪。",
    "答复要实事求是，不能只做解释，请重新办理。",
]

CALLBACK_NOTES: list[str] = [
    "市民表示问题已解决，对处理结果满意。",
    "市民表示处理速度较慢，但结果基本满意。",
    "连续三次拨打电话无人接听。",
    "市民反映问题仍未解决，要求重新办理。",
    "市民对答复内容不认可，认为部门未到现场核实。",
    "电话提示为空号，无法联系诉求人。",
    "市民表示工作人员态度很好，已电话说明情况，表示理解。",
    "市民表示已有人来现场看过，但尚未整改，同意再观察几天。",
]

#: Why the centre's supervisor (值班长) closed an order the citizen was unsatisfied with.
SUPERVISOR_CLOSE_REASONS: list[str] = [
    "经核实，承办单位已依法依规处理到位，市民诉求超出政策规定，予以办结。",
    "市民诉求涉及民事纠纷，已告知通过司法途径解决，予以办结。",
    "同一诉求已重办两次，答复内容准确，经值班长审核予以办结。",
]

#: 协办意见: a co-handling department's findings and answer for its part, given to the lead.
CO_OPINIONS: list[str] = [
    "经我单位现场核查，反映情况属实，涉及我单位职责部分已责令当事人限期整改，整改完成后将书面告知主办单位。",
    "我单位已派员到现场查看，相关设施不属于我单位管养范围，建议主办单位联系产权单位处理。",
    "经核实，该处占道堆放物品已于当日清理完毕，我单位将纳入日常巡查，防止反弹。",
    "我单位已对涉事商户进行约谈并下达整改通知书，要求三个工作日内整改到位。",
    "经查，当事人已办理相关审批手续，我单位将加强事中事后监管，发现违规行为依法处理。",
    "我单位已协调辖区社区上门做好解释工作，市民表示理解，后续由社区网格员跟踪。",
]

#: 免除协办: why the centre released a co-department's part.
CO_WAIVE_REASONS: list[str] = [
    "经主办单位核实，该事项不涉及协办单位职责，免除协办。",
    "主办单位已独立办结，无需协办单位出具意见。",
    "协办单位已通过电话向主办单位说明情况，中心确认免除书面协办意见。",
]

RETURN_REASONS: list[str] = [
    "诉求地点不在本辖区，请转属地街道（镇）办理。",
    "该事项不属于本单位法定职责，请重新指定承办单位。",
    "该事项已进入诉讼程序，不宜通过行政途径处理。",
    "工单信息不全，无法联系诉求人核实具体地点。",
    "涉及设施非本单位产权和管理范围，应由产权单位负责。",
    "已有相同诉求工单正在办理中，属重复派单。",
]

EXTENSION_REASONS: list[str] = [
    "需协调多个部门现场会商，规定时限内无法办结。",
    "维修需采购专用配件，到货周期约两周。",
    "涉及专项资金使用，需提交局党组会议研究。",
    "需等待第三方检测机构出具检测报告。",
    "诉求人近期在外地，无法约定现场核查时间。",
    "受连续降雨影响，暂无法进行路面施工。",
]

HOT_TAGS: list[str] = [
    "老旧小区改造",
    "电动车充电",
    "夏季停水停电",
    "防汛排涝",
    "农民工工资",
    "噪声扰民",
    "违章搭建",
    "校外培训",
    "文明城市创建",
    "秸秆禁烧",
    "物业管理",
    "背街小巷整治",
]

SURNAMES: list[str] = [
    "王", "张", "陈", "李", "刘", "周", "徐", "朱", "吴", "孙", "杨", "高", "黄", "顾",
    "蒋", "秦", "夏", "汤", "沈", "姚", "陆", "钱", "潘", "薛", "葛", "唐", "许", "殷",
]  # fmt: skip

GIVEN_NAMES: list[str] = [
    "伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "秀英", "建国", "桂兰", "志强", "海燕", "晓东", "玉梅", "国华", "红梅", "建华",
    "文斌", "小红", "春生", "丽娟", "宏伟", "雪梅", "金宝", "凤英", "德明", "永林",
]  # fmt: skip

_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "177", "180", "181", "182", "183", "186", "187", "188", "189", "199",
)  # fmt: skip


def citizen_name(rng: random.Random) -> str:
    """Return a plausible full name (surname plus one or two given characters)."""
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def mobile_number(rng: random.Random) -> str:
    """Return a valid-looking 11-digit mainland China mobile number."""
    return rng.choice(_MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _unit(code: str, chief: tuple[str, str], head: tuple[str, str], *handlers: tuple[str, str]) -> list[StaffSpec]:
    """Return a section chief, a department head and the handlers of one department."""
    staff = [
        StaffSpec(chief[0], chief[1], "section_chief", code),
        StaffSpec(head[0], head[1], "department_head", code),
    ]
    staff.extend(StaffSpec(username, name, "handler", code) for username, name in handlers)
    return staff


_CONSTRUCTION_PORTFOLIO = (
    "ZJJ",
    "CGJ",
    "JTJ",
    "HBJ",
    "ZGJ",
    "SWJ",
    "GDGS",
    "NYJ",
    "CLZ",
    "LQZ",
)
_SOCIAL_PORTFOLIO = ("SJJ", "RSJ", "JYJ", "WJW", "GAJ", "GYJD", "MPJD")

STAFF: list[StaffSpec] = [
    StaffSpec("admin", "陈志远", "admin", CENTRE_CODE),
    StaffSpec("agent", "孙晓雯", "centre_agent", CENTRE_CODE),
    StaffSpec("liuqian", "刘倩", "centre_agent", CENTRE_CODE),
    StaffSpec("supervisor", "赵敏", "centre_supervisor", CENTRE_CODE),  # 值班长
    StaffSpec("leader", "钱国栋", "leader_in_charge", LEADERSHIP_CODE, _CONSTRUCTION_PORTFOLIO),
    StaffSpec("weihongmei", "魏红梅", "leader_in_charge", LEADERSHIP_CODE, _SOCIAL_PORTFOLIO),
    StaffSpec("mayor", "沈建华", "top_leader", LEADERSHIP_CODE),
    *_unit(
        "ZJJ",
        ("chief", "周明"),
        ("head", "王建军"),
        ("handler", "李强"),
        ("zhangwen", "张雯"),
        ("xuhao", "徐浩"),
    ),
    *_unit(
        "CGJ",
        ("yangfan", "杨帆"),
        ("hugang", "胡刚"),
        ("zhulei", "朱磊"),
        ("chenjing", "陈静"),
        ("gaopeng", "高鹏"),
    ),
    *_unit(
        "GYJD",
        ("wuhui", "吴慧"),
        ("jiangtao", "蒋涛"),
        ("tangjie", "汤杰"),
        ("xiali", "夏丽"),
    ),
    *_unit(
        "JTJ",
        ("guxiaofeng", "顾晓峰"),
        ("qinzhigang", "秦志刚"),
        ("kongxiangrui", "孔祥瑞"),
    ),
    *_unit("HBJ", ("tianyu", "田雨"), ("jiangwei", "姜伟"), ("songjia", "宋佳")),
    *_unit("SJJ", ("caimin", "蔡敏"), ("zhengguoping", "郑国平"), ("xuchen", "许晨")),
    *_unit("RSJ", ("tanglihua", "唐丽华"), ("fengjian", "冯建"), ("luyan", "陆燕")),
    *_unit("JYJ", ("hanmei", "韩梅"), ("caowenbin", "曹文斌"), ("shaoyang", "邵阳")),
    *_unit("WJW", ("pengjing", "彭静"), ("panzhiqiang", "潘志强"), ("yuanyuan", "袁媛")),
    *_unit("ZGJ", ("daijun", "戴军"), ("yanming", "严明"), ("luting", "卢婷")),
    *_unit("SWJ", ("rentao", "任涛"), ("zouping", "邹平"), ("dinglei", "丁磊")),
    *_unit("GAJ", ("shiyong", "石勇"), ("luogang", "罗刚"), ("majun", "马骏")),
    *_unit("NYJ", ("wanchun", "万春"), ("bailin", "柏林"), ("geyu", "葛玉")),
    *_unit("GDGS", ("jinxin", "金鑫"), ("duhong", "杜宏"), ("chengliang", "程亮")),
    *_unit("MPJD", ("dongqian", "董倩"), ("fanjianguo", "范建国"), ("jiawen", "贾文")),
    *_unit("CLZ", ("xiatian", "夏天"), ("mengfan", "孟凡"), ("baixue", "白雪")),
    *_unit("LQZ", ("fangzheng", "方正"), ("nihong", "倪红"), ("gongwei", "龚伟")),
]

DEMO_LOGINS: dict[str, str] = {
    "handler": "handler",
    "chief": "section_chief",
    "head": "department_head",
    "leader": "leader_in_charge",
    "mayor": "top_leader",
    "agent": "centre_agent",
    "supervisor": "centre_supervisor",
    "admin": "admin",
}
"""The fixed demo usernames and their roles (the first three work in ZJJ)."""


def department(code: str) -> DepartmentSpec:
    """Return the department with ``code``; raise ``KeyError`` if there is none."""
    for spec in DEPARTMENTS:
        if spec.code == code:
            return spec
    raise KeyError(code)


def category(code: str) -> CategorySpec:
    """Return the category with ``code``; raise ``KeyError`` if there is none."""
    for spec in CATEGORIES:
        if spec.code == code:
            return spec
    raise KeyError(code)


def leaf_categories() -> list[CategorySpec]:
    """Return the categories an order can be filed under (those with a parent)."""
    return [spec for spec in CATEGORIES if spec.parent is not None]


def district_department(district: str) -> str | None:
    """Return the code of the street or town office for ``district``, if it has one."""
    return DISTRICT_DEPARTMENTS.get(district)


# --- the knowledge base (知识库) ---------------------------------------------------------------
#
# Entries are composed from parts: a topic (what citizens ask about, the department answering,
# the policy it rests on) × an aspect (where to report it, how long it takes, what to bring, what
# it costs, how it is handled, what the rules say, where to complain) × a town or street (its own
# service point and telephone). ``knowledge_entries(rng, count)`` picks ``count`` distinct
# combinations, so the demo's 2,000 entries and a benchmark's 100,000 read alike.


@dataclass(frozen=True)
class KnowledgeTopic:
    """What citizens ask about: ``subject`` as a noun phrase, ``asks`` as they say it."""

    category: str
    department: str
    subject: str
    asks: tuple[str, ...]
    keywords: tuple[str, ...]
    unit: str  # who does the work: 路灯管理所, 供水公司客服中心 …
    document: str
    issuer: str
    days: int  # working days the unit promises


_K = KnowledgeTopic

KNOWLEDGE_TOPICS: list[KnowledgeTopic] = [
    _K(
        "0101",
        "ZJJ",
        "道路破损",
        ("路面坑洼不平", "马路上有大坑", "人行道砖松动"),
        ("路面", "坑洼", "道路维修"),
        "市政设施管理处",
        "城市道路管理条例",
        "国务院",
        5,
    ),
    _K(
        "0101",
        "ZJJ",
        "井盖缺失",
        ("窨井盖丢了", "井盖翘起来响", "下水道盖板破了"),
        ("井盖", "窨井", "盖板"),
        "市政设施管理处",
        "城市道路管理条例",
        "国务院",
        1,
    ),
    _K(
        "0102",
        "CGJ",
        "路灯不亮",
        ("路灯坏了", "晚上路灯不亮", "路灯一闪一闪"),
        ("路灯", "照明", "灯杆"),
        "城市照明管理所",
        "城市照明管理规定",
        "住房和城乡建设部",
        3,
    ),
    _K(
        "0103",
        "ZJJ",
        "物业服务纠纷",
        ("物业不作为", "物业费乱收", "电梯坏了物业不修"),
        ("物业", "物业费", "业委会"),
        "物业管理科",
        "物业管理条例",
        "国务院",
        10,
    ),
    _K(
        "0103",
        "ZJJ",
        "电梯故障",
        ("电梯经常坏", "电梯困人", "电梯维保不到位"),
        ("电梯", "维保", "困人"),
        "特种设备安全监察科",
        "特种设备安全法",
        "全国人民代表大会常务委员会",
        2,
    ),
    _K(
        "0104",
        "ZJJ",
        "老旧小区改造",
        ("小区一直没改造", "老小区加装电梯", "改造施工扰民"),
        ("老旧小区", "改造", "加装电梯"),
        "城市更新办公室",
        "关于全面推进城镇老旧小区改造工作的指导意见",
        "国务院办公厅",
        15,
    ),
    _K(
        "0105",
        "ZJJ",
        "电动车充电",
        ("小区没有充电桩", "电动车飞线充电", "充电桩收费太贵"),
        ("充电桩", "电动车", "飞线充电"),
        "城市建设科",
        "电动自行车安全技术规范",
        "国家市场监督管理总局",
        10,
    ),
    _K(
        "0201",
        "HBJ",
        "噪声扰民",
        ("夜间施工吵得睡不着", "广场舞音响太吵", "工厂机器噪音大"),
        ("噪声", "噪音", "夜间施工"),
        "生态环境综合行政执法大队",
        "噪声污染防治法",
        "全国人民代表大会常务委员会",
        5,
    ),
    _K(
        "0202",
        "HBJ",
        "油烟污染",
        ("饭店油烟熏人", "烧烤油烟大", "楼下餐馆排烟"),
        ("油烟", "餐饮", "大气污染"),
        "生态环境综合行政执法大队",
        "大气污染防治法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "0202",
        "HBJ",
        "焚烧秸秆",
        ("有人烧秸秆", "烧垃圾冒黑烟", "田里着火冒烟"),
        ("秸秆", "焚烧", "烟雾"),
        "大气环境科",
        "大气污染防治法",
        "全国人民代表大会常务委员会",
        1,
    ),
    _K(
        "0203",
        "HBJ",
        "河道污染",
        ("河水发黑发臭", "工厂往河里排污", "河面漂浮垃圾"),
        ("河道", "排污", "黑臭水体"),
        "水生态环境科",
        "水污染防治法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "0301",
        "CGJ",
        "违章搭建",
        ("楼顶搭建阳光房", "邻居私自扩建", "小区里违建"),
        ("违建", "违章建筑", "私搭乱建"),
        "城市管理综合行政执法大队",
        "城乡规划法",
        "全国人民代表大会常务委员会",
        15,
    ),
    _K(
        "0302",
        "CGJ",
        "占道经营",
        ("路边摆摊堵路", "早市占道", "门店把货摆到人行道上"),
        ("占道", "摆摊", "流动摊贩"),
        "城市管理综合行政执法大队",
        "城市市容和环境卫生管理条例",
        "国务院",
        3,
    ),
    _K(
        "0303",
        "CGJ",
        "垃圾清运",
        ("垃圾桶满了没人清", "建筑垃圾乱倒", "垃圾分类不清楚"),
        ("垃圾", "清运", "垃圾分类"),
        "环境卫生管理处",
        "城市生活垃圾管理办法",
        "住房和城乡建设部",
        2,
    ),
    _K(
        "0304",
        "CGJ",
        "树木修剪",
        ("树枝挡住窗户", "行道树要倒了", "绿化带杂草丛生"),
        ("树木", "修剪", "绿化"),
        "园林绿化管理处",
        "城市绿化条例",
        "国务院",
        7,
    ),
    _K(
        "0401",
        "JTJ",
        "公交线路",
        ("公交车班次太少", "想新开一条公交线", "公交车不按站停"),
        ("公交", "班次", "线路"),
        "公共交通服务中心",
        "城市公共汽车和电车客运管理规定",
        "交通运输部",
        10,
    ),
    _K(
        "0402",
        "JTJ",
        "出租车服务",
        ("出租车拒载", "出租车不打表", "网约车乱收费"),
        ("出租车", "拒载", "网约车"),
        "客运管理处",
        "巡游出租汽车经营服务管理规定",
        "交通运输部",
        5,
    ),
    _K(
        "0403",
        "GAJ",
        "红绿灯故障",
        ("红绿灯坏了", "信号灯时间太短", "路口没有红绿灯"),
        ("红绿灯", "信号灯", "路口"),
        "交通警察大队设施科",
        "道路交通安全法",
        "全国人民代表大会常务委员会",
        2,
    ),
    _K(
        "0404",
        "GAJ",
        "违规停车",
        ("车堵在小区门口", "消防通道被占", "人行道上停满车"),
        ("违停", "停车", "消防通道"),
        "交通警察大队",
        "道路交通安全法",
        "全国人民代表大会常务委员会",
        1,
    ),
    _K(
        "0501",
        "SJJ",
        "食品安全",
        ("买到过期食品", "饭店卫生太差", "外卖吃坏肚子"),
        ("食品安全", "过期", "餐饮卫生"),
        "食品安全监管科",
        "食品安全法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "0502",
        "SJJ",
        "价格收费",
        ("停车场乱收费", "商家价格欺诈", "明码标价不实"),
        ("收费", "价格", "明码标价"),
        "价格监督检查科",
        "价格法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "0503",
        "SJJ",
        "消费维权",
        ("预付卡商家跑路", "买到假货", "七天无理由不给退"),
        ("消费", "退款", "预付卡"),
        "消费者权益保护科",
        "消费者权益保护法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "0601",
        "RSJ",
        "拖欠工资",
        ("老板不发工资", "工地欠农民工工资", "离职后工资不给"),
        ("欠薪", "工资", "农民工"),
        "劳动保障监察大队",
        "保障农民工工资支付条例",
        "国务院",
        10,
    ),
    _K(
        "0602",
        "RSJ",
        "社保缴纳",
        ("单位不给交社保", "社保断缴了", "灵活就业想交社保"),
        ("社保", "养老保险", "医保"),
        "社会保险服务中心",
        "社会保险法",
        "全国人民代表大会常务委员会",
        10,
    ),
    _K(
        "0603",
        "RSJ",
        "养老金领取",
        ("刚退休要领养老金", "养老金没到账", "养老金资格认证不会弄"),
        ("养老金", "退休", "资格认证"),
        "社会保险服务中心",
        "社会保险法",
        "全国人民代表大会常务委员会",
        5,
    ),
    _K(
        "0602",
        "RSJ",
        "失业保险金",
        ("失业了想领补助", "要申请失业金", "失业保险快领完了"),
        ("失业金", "失业保险", "失业登记"),
        "就业服务中心",
        "失业保险条例",
        "国务院",
        10,
    ),
    _K(
        "0701",
        "JYJ",
        "学校招生",
        ("孩子明年上小学", "学区划分有疑问", "外地孩子在本地上学"),
        ("入学", "学区", "招生"),
        "基础教育科",
        "义务教育法",
        "全国人民代表大会常务委员会",
        10,
    ),
    _K(
        "0702",
        "JYJ",
        "校外培训",
        ("培训机构退费难", "寒假补课违规", "培训机构跑路"),
        ("培训机构", "退费", "校外培训"),
        "校外教育培训监管科",
        "关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见",
        "中共中央办公厅 国务院办公厅",
        10,
    ),
    _K(
        "0703",
        "WJW",
        "医疗服务",
        ("医院排队太久", "医生态度不好", "医保报销比例低"),
        ("医院", "医疗", "就诊"),
        "医政医管科",
        "医疗纠纷预防和处理条例",
        "国务院",
        10,
    ),
    _K(
        "0703",
        "WJW",
        "疫苗接种",
        ("孩子要打疫苗", "成人疫苗预约不上", "接种证丢了"),
        ("疫苗", "接种", "预防接种"),
        "疾病预防控制中心",
        "疫苗管理法",
        "全国人民代表大会常务委员会",
        5,
    ),
    _K(
        "0801",
        "ZGJ",
        "宅基地审批",
        ("农村建房要审批", "申请宅基地", "翻建老房子"),
        ("宅基地", "建房", "审批"),
        "村镇规划科",
        "土地管理法",
        "全国人民代表大会常务委员会",
        20,
    ),
    _K(
        "0802",
        "ZGJ",
        "不动产登记",
        ("要办房产证", "二手房过户", "不动产证要加名字"),
        ("房产证", "不动产", "过户"),
        "不动产登记中心",
        "不动产登记暂行条例",
        "国务院",
        5,
    ),
    _K(
        "0803",
        "SWJ",
        "停水",
        ("家里突然停水", "停水一直不来", "水压太小"),
        ("停水", "供水", "水压"),
        "供水公司客服中心",
        "城市供水条例",
        "国务院",
        1,
    ),
    _K(
        "0803",
        "SWJ",
        "水费缴纳",
        ("要交水费", "水费突然变高", "水表走得太快"),
        ("水费", "水表", "阶梯水价"),
        "供水公司营业厅",
        "城镇供水价格管理办法",
        "国家发展和改革委员会",
        5,
    ),
    _K(
        "0804",
        "SWJ",
        "排水不畅",
        ("下水道堵了", "下雨小区积水", "污水冒到路上"),
        ("下水道", "积水", "排水"),
        "排水管理处",
        "城镇排水与污水处理条例",
        "国务院",
        3,
    ),
    _K(
        "0901",
        "GDGS",
        "停电报修",
        ("家里突然停电", "小区停电好几个小时", "电压不稳"),
        ("停电", "电力", "抢修"),
        "供电服务指挥中心",
        "电力供应与使用条例",
        "国务院",
        1,
    ),
    _K(
        "0902",
        "GDGS",
        "电线安全",
        ("电线杆歪了", "电线垂得很低", "变压器有异响"),
        ("电线", "电杆", "变压器"),
        "供电运维检修部",
        "电力设施保护条例",
        "国务院",
        3,
    ),
    _K(
        "1001",
        "GAJ",
        "治安问题",
        ("半夜有人打架", "小区门口聚众赌博", "电动车被偷"),
        ("治安", "盗窃", "报警"),
        "辖区派出所",
        "治安管理处罚法",
        "全国人民代表大会常务委员会",
        3,
    ),
    _K(
        "1002",
        "GAJ",
        "户籍办理",
        ("新生儿要上户口", "身份证丢了", "户口要迁移"),
        ("户口", "身份证", "户籍"),
        "户政服务窗口",
        "居民身份证法",
        "全国人民代表大会常务委员会",
        7,
    ),
    _K(
        "1003",
        "GYJD",
        "邻里纠纷",
        ("楼上漏水到我家", "邻居占用公共楼道", "邻居养狗扰民"),
        ("邻里", "纠纷", "调解"),
        "社区人民调解委员会",
        "人民调解法",
        "全国人民代表大会常务委员会",
        10,
    ),
    _K(
        "1004",
        "NYJ",
        "农村人居环境",
        ("村里垃圾没人收", "村里道路坑洼", "农村改厕"),
        ("农村", "人居环境", "改厕"),
        "乡村建设科",
        "农村人居环境整治提升五年行动方案",
        "中共中央办公厅 国务院办公厅",
        10,
    ),
    _K(
        "1005",
        "NYJ",
        "畜禽养殖污染",
        ("养猪场臭味大", "养殖场粪便乱排", "散养家禽扰民"),
        ("养殖", "畜禽", "粪污"),
        "畜牧兽医站",
        "畜禽规模养殖污染防治条例",
        "国务院",
        10,
    ),
    _K(
        "0602",
        "RSJ",
        "医保报销",
        ("异地就医要报销", "医保卡丢了", "门诊费用要报销"),
        ("医保", "报销", "异地就医"),
        "医疗保障服务中心",
        "医疗保障基金使用监督管理条例",
        "国务院",
        10,
    ),
    _K(
        "0103",
        "ZJJ",
        "住房公积金",
        ("要提取公积金", "租房想取公积金", "公积金贷款额度不够"),
        ("公积金", "提取", "贷款"),
        "住房公积金管理中心",
        "住房公积金管理条例",
        "国务院",
        5,
    ),
]


@dataclass(frozen=True)
class KnowledgeAspect:
    """One kind of question about a topic: ``title``, ``questions`` and ``answer`` hold
    ``{subject}``, ``{ask}``, ``{unit}``, ``{place}``, ``{town}``, ``{phone}``, ``{days}``, ``{document}``."""

    name: str
    title: str
    questions: tuple[str, ...]
    answer: str


KNOWLEDGE_ASPECTS: list[KnowledgeAspect] = [
    KnowledgeAspect(
        "渠道",
        "{town}{subject}向哪里反映",
        ("{ask}找哪个部门", "{town}{subject}打什么电话", "{ask}应该找谁"),
        "{subject}由{unit}负责。{town}的市民可拨打12345热线或{unit}电话{phone}反映，也可到{place}的服务窗口当面反映"
        "（工作日8:30—12:00、14:00—17:30）。反映时请说明具体位置和发现时间，便于工作人员尽快到场。",
    ),
    KnowledgeAspect(
        "时限",
        "{town}{subject}多长时间处理",
        ("{ask}多久能解决", "{subject}反映了一直没人管", "{ask}什么时候有人来"),
        "{unit}接到{subject}的反映后，一般在{days}个工作日内到现场核实处理；情况复杂需协调的，会在期限内告知进展和原因。"
        "超过期限仍未处理的，可再次拨打12345热线催办，热线中心将督促{unit}办理。",
    ),
    KnowledgeAspect(
        "材料",
        "{subject}办理需要准备什么材料",
        ("{ask}要带什么证件", "{subject}需要哪些材料", "办{subject}的手续有哪些"),
        "办理{subject}相关事项，请携带本人身份证原件及复印件；代办的还需提供委托书和代办人身份证。涉及房屋的请带房屋权属证明，"
        "涉及单位的请带营业执照复印件并加盖公章。材料齐全的，{unit}当场受理，{days}个工作日内办结。",
    ),
    KnowledgeAspect(
        "收费",
        "{subject}是否收费",
        ("{ask}要不要交钱", "{subject}收费标准是多少", "处理{subject}会收费吗"),
        "{unit}处理{subject}属于公共服务，不向市民收取任何费用。如有工作人员以任何名义收费，请保留凭证并拨打12345热线或{phone}举报。"
        "属于个人产权范围内的维修，由产权人自行承担费用。",
    ),
    KnowledgeAspect(
        "流程",
        "{town}{subject}的处理流程",
        ("{ask}是怎么处理的", "{subject}处理流程是什么", "反映{subject}以后会怎样"),
        "{subject}的处理流程：一、市民通过12345热线或{unit}反映；二、{unit}在1个工作日内登记并派员；三、工作人员到{town}现场核实，"
        "拍照取证；四、{days}个工作日内处理完毕并答复；五、热线中心回访，市民不满意的可要求重新办理。",
    ),
    KnowledgeAspect(
        "依据",
        "{subject}的政策依据",
        ("{ask}有什么规定", "{subject}法律上怎么规定的", "{subject}依据哪个文件"),
        "根据《{document}》的规定，{subject}由{unit}依法处理。相关单位和个人应当配合调查，拒不整改的，由主管部门依法责令改正并予以处罚。"
        "本市的具体办法见市政府网站“政策文件”栏目。",
    ),
    KnowledgeAspect(
        "异议",
        "对{subject}处理结果不满意怎么办",
        ("{ask}处理得不好", "对{unit}的处理不满意", "{subject}反映后没解决还能找谁"),
        "对{subject}的处理结果不满意的，可在回访时向12345热线说明理由，热线中心将退回{unit}重新办理；"
        "也可向{unit}的上级主管部门书面投诉，或依法申请行政复议。{town}的市民还可到{place}当面反映。",
    ),
    KnowledgeAspect(
        "预防",
        "如何避免{subject}",
        ("怎样预防{subject}", "{ask}平时要注意什么", "{subject}有什么注意事项"),
        "避免{subject}，平时请留意身边的隐患，发现苗头及时反映；小区内的问题可先联系物业或社区。"
        "{unit}每年开展专项检查，市民可关注“{town}发布”公众号了解检查安排和结果。",
    ),
]

KNOWLEDGE_TOWNS: dict[str, str] = {
    "高邮街道": "通湖路政务服务中心",
    "马棚街道": "马棚街道便民服务中心",
    "城南经济新区": "城南新区便民服务中心",
    "高邮经济开发区": "开发区管委会一楼大厅",
    "车逻镇": "车逻镇为民服务中心",
    "龙虬镇": "龙虬镇为民服务中心",
    "汤庄镇": "汤庄镇为民服务中心",
    "卸甲镇": "卸甲镇为民服务中心",
    "三垛镇": "三垛镇为民服务中心",
    "甘垛镇": "甘垛镇为民服务中心",
    "界首镇": "界首镇为民服务中心",
    "周山镇": "周山镇为民服务中心",
}
_DIGITS = "零一二三四五六七八九"
_ISSUE_PREFIXES = ("高政发", "高政办发", "扬府规", "苏政发")


def _chinese_number(n: int) -> str:
    """1 … 99 as written in an article number: 七, 十二, 二十, 三十五."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else f"{_DIGITS[tens]}十")
    return head + (_DIGITS[ones] if ones else "") if n else _DIGITS[0]


@dataclass(frozen=True)
class KnowledgeSpec:
    """One composed entry, ready to store (``status``: draft / published / expired)."""

    title: str
    questions: list[str]
    answer: str
    keywords: list[str]
    category: str
    department: str
    document: str
    number: str
    article: str
    issuer: str
    effective_year: int
    expired: bool
    status: str


def knowledge_entries(rng: random.Random, count: int) -> list[KnowledgeSpec]:
    """``count`` distinct entries (up to topics × aspects × towns × 4 editions), deterministic for ``rng``."""
    towns = list(KNOWLEDGE_TOWNS)
    combos = [
        (t, a, w)
        for t in range(len(KNOWLEDGE_TOPICS))
        for a in range(len(KNOWLEDGE_ASPECTS))
        for w in range(len(towns))
    ]
    rng.shuffle(combos)
    found: list[KnowledgeSpec] = []
    edition = 0
    while len(found) < count:
        for topic_index, aspect_index, town_index in combos:
            if len(found) >= count:
                break
            topic, aspect, town = KNOWLEDGE_TOPICS[topic_index], KNOWLEDGE_ASPECTS[aspect_index], towns[town_index]
            values = {
                "subject": topic.subject,
                "ask": rng.choice(topic.asks),
                "unit": topic.unit,
                "place": KNOWLEDGE_TOWNS[town],
                "town": town,
                "phone": f"0514-84{rng.randrange(100000, 999999)}",
                "days": str(topic.days),
                "document": topic.document,
            }
            title = aspect.title.format(**values)
            if "{town}" not in aspect.title:
                title = f"{town}：{title}"
            if edition:
                title = f"{title}（修订{edition}）"
            questions = [q.format(**values) for q in aspect.questions]
            questions.append(f"{town}{rng.choice(topic.asks)}怎么办")
            roll = rng.random()
            status = "published" if roll < 0.9 else ("draft" if roll < 0.96 else "expired")
            year = rng.randrange(2016, 2026)
            found.append(
                KnowledgeSpec(
                    title=title,
                    questions=questions,
                    answer=aspect.answer.format(**values),
                    keywords=[*topic.keywords, town, aspect.name],
                    category=topic.category,
                    department=topic.department,
                    document=topic.document,
                    number=f"{rng.choice(_ISSUE_PREFIXES)}〔{year}〕{rng.randrange(1, 120)}号",
                    article=f"第{_chinese_number(rng.randrange(1, 80))}条",
                    issuer=topic.issuer,
                    effective_year=year,
                    expired=status == "expired",
                    status=status,
                )
            )
        edition += 1
    return found


#: The reply phrases every department starts from (city-wide templates; the desk offered them as
#: fixed phrases before templates existed), with placeholders (casework.knowledge.PLACEHOLDERS).
CITY_REPLY_TEMPLATES: list[tuple[str, str]] = [
    ("开头问候", "{称呼}您好！关于您{受理日期}反映的问题（工单编号{工单编号}），"),
    ("现场核实", "经现场核实，"),
    ("当日查看", "我单位已于{今天}安排工作人员到现场查看，"),
    ("限期整改", "已责成施工单位于{答复期限}前整改完毕。"),
    ("政策依据", "根据《……》第……条规定，"),
    ("牵头协调", "该问题涉及多个部门，我单位已牵头协调，"),
    ("咨询电话", "如有疑问，请致电……咨询。"),
    ("致谢", "感谢您对我们工作的监督。"),
]


def department_reply_templates(name: str, phone: str) -> list[tuple[str, str]]:
    """A department's own templates: its greeting, its result and its closing with its telephone."""
    return [
        ("本单位开头", f"{{称呼}}您好！您反映的问题（工单编号{{工单编号}}）已由{name}受理，现答复如下："),
        ("办理结果", f"{name}接到工单后高度重视，已于{{今天}}安排专人处理，"),
        ("本单位结尾", f"如仍有问题，请致电{name}（{phone}），感谢您的理解与支持。"),
    ]


def intake(
    rng: random.Random,
    category: str,
    template: RequestTemplate,
    place: PlaceSpec,
    urgency: Urgency,
    complexity: Complexity,
    importance: Importance,
    received_at: datetime | None = None,
) -> OrderIntake:
    """A citizen's request as the centre takes it in, from ``template`` at ``place``: the caller (one in
    12 anonymous), the channel, the words. The demo seed and ``python -m server simulate`` both write
    their requests with it; the same ``rng`` state writes the same request."""
    anonymous = rng.random() < 0.08
    channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
    return OrderIntake(
        channel=Channel(channel),
        received_at=received_at,
        citizen=CitizenIn(
            name="" if anonymous else citizen_name(rng),
            phone=mobile_number(rng),
            anonymous=anonymous,
            confidential=rng.random() < 0.12,
            contact_allowed=rng.random() < 0.5,
        ),
        kind=RequestKind(template.kind),
        category_code=category,
        complexity=complexity,
        urgency=urgency,
        importance=importance,
        title=template.title,
        description=template.description.format(place=place.address, days=rng.randint(2, 20)),
        address=place.address,
        district=place.district,
        street=place.street,
        lat=place.lat,
        lon=place.lon,
        tags=rng.sample(HOT_TAGS, 1) if rng.random() < 0.2 else [],
    )
