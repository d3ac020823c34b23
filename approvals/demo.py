"""Demo catalogue: topics and the service guides of the seeded departments. Safe to run again.

Rows are found by their natural keys (topic code, item code, material name within the item, step code within the
item), so a second run changes nothing and adds nothing. Demo cases are not loaded here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.db import transaction

from approvals.models import Item, ItemKind, ItemMaterial, ItemStep, StepCode, Topic
from approvals.services.catalogue import rebuild_search_index, validate_item_values
from efficiency_portal.org.models import Department
from efficiency_portal.search.defaults import ensure_default_synonyms

TOPICS = (
    ("qykb", "企业开办"),
    ("gcjs", "工程建设"),
    ("shsw", "社会事务"),
    ("jtcx", "交通出行"),
    ("ylws", "医疗卫生"),
    ("scjg", "市场监管"),
    ("zrzy", "自然资源"),
    ("sthj", "生态环境"),
    ("shbz", "社会保障"),
    ("jyky", "教育科研"),
    ("nsfw", "纳税服务"),
    ("crj", "出入境"),
)

# Where an agency's items are received: the matching window of the citizens' centre (市民中心).
WINDOW_OF = {
    "scjgj": "zwzx-qykb",
    "scjgj-djk": "zwzx-qykb",
    "scjgj-spk": "zwzx-qykb",
    "swj-nsfw": "zwzx-qykb",
    "zrzyj-bdc": "zwzx-bdc",
    "rsj-sbk": "zwzx-sbyb",
    "ybj": "zwzx-sbyb",
    "gaj-crj": "zwzx-crj",
}
DEFAULT_WINDOW = "zwzx-zhsl"
COMPLAINTS = "12345 政务服务便民热线；市机关效能建设办公室投诉电话 0571-12345678；本平台“效能投诉”"
STEP_NAMES = {"accept": "受理", "review": "审查", "decide": "决定", "deliver": "送达"}
PROCEDURE = "申请 → 受理 → 审查 → 决定 → 送达。材料不全的，5个工作日内一次性告知需补正的全部内容。"


@dataclass(frozen=True)
class Fee:
    amount: str
    standard: str
    basis: str


@dataclass(frozen=True)
class Spec:
    department: str
    code: str
    name: str
    topic: str
    statutory: int
    promised: int
    legal_basis: str
    conditions: str
    materials: str  # names separated by "|"; a leading "?" marks a material needed only where it applies
    fee: Fee | None = None
    online: bool = True
    summary: str = ""


PROPERTY_FEE_BASIS = "《国家发展改革委 财政部关于不动产登记收费标准等有关问题的通知》（发改价格规〔2016〕2559号）"
PASSPORT_FEE_BASIS = "《国家发展改革委 财政部关于降低部分行政事业性收费标准的通知》（发改价格〔2019〕914号）"
RESIDENCE_FEE_BASIS = "《国家发展改革委 财政部关于外国人签证和居留许可收费标准的通知》"
ID = "申请人身份证明"
LICENCE = "营业执照"
APPLICATION = "申请书"

# fmt: off
ITEMS: tuple[Spec, ...] = (
    # 市场监管
    Spec("scjgj-spk", "food-business-licence", "食品经营许可", "scjg", 20, 8,
         "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
         "有与经营的食品品种、数量相适应的经营场所；有食品安全管理人员和管理制度；有合理的设备布局和工艺流程。",
         f"食品经营许可申请书|{LICENCE}|{ID}|与食品经营相适应的主要设备设施布局、操作流程等文件|食品安全自查、从业人员健康管理等规章制度|?委托代理人身份证明及授权委托书",
         summary="从事食品销售和餐饮服务活动"),
    Spec("scjgj-spk", "food-licence-change", "食品经营许可变更", "scjg", 20, 5,
         "《食品经营许可和备案管理办法》第三十条",
         "许可证载明的事项发生变化，应在变化后10个工作日内申请变更。",
         f"食品经营许可变更申请书|食品经营许可证正副本|与变更事项有关的材料|?{ID}"),
    Spec("scjgj-spk", "food-licence-renewal", "食品经营许可延续", "scjg", 20, 5,
         "《食品经营许可和备案管理办法》第三十四条",
         "食品经营许可证有效期届满前90个工作日至15个工作日期间提出申请。",
         "食品经营许可延续申请书|食品经营许可证正副本|与延续事项有关的其他材料"),
    Spec("scjgj-spk", "small-food-workshop", "食品小作坊登记", "scjg", 15, 5,
         "《浙江省食品小作坊小餐饮店小食杂店和食品摊贩管理规定》",
         "有固定的生产加工场所，生产加工条件符合食品安全要求。",
         f"食品小作坊登记申请表|{ID}|生产加工场所平面图|从业人员健康证明"),
    Spec("scjgj-djk", "company-registration", "企业设立登记", "qykb", 15, 1,
         "《中华人民共和国市场主体登记管理条例》第三条、第十六条",
         "有符合规定的名称、住所、注册资本、章程和组织机构。",
         "公司登记（备案）申请书|公司章程|股东的主体资格文件或自然人身份证明|法定代表人、董事、监事和经理的任职文件|住所使用相关文件|?委托代理人身份证明及授权委托书",
         summary="公司、合伙企业、个人独资企业设立，一日办结"),
    Spec("scjgj-djk", "company-change", "企业变更登记", "qykb", 15, 1,
         "《中华人民共和国市场主体登记管理条例》第二十四条",
         "登记事项发生变更的，应当自作出变更决议、决定或者法定变更事项发生之日起30日内申请。",
         f"公司登记（备案）申请书|{LICENCE}正副本|变更决议或决定|?修改后的公司章程或章程修正案"),
    Spec("scjgj-djk", "company-deregistration", "企业注销登记", "qykb", 15, 3,
         "《中华人民共和国市场主体登记管理条例》第三十一条",
         "已依法清算完毕，债权债务已清理完结；简易注销须全体投资人承诺。",
         f"注销登记申请书|清算报告或全体投资人承诺书|{LICENCE}正副本|?清税证明"),
    Spec("scjgj-djk", "individual-business", "个体工商户设立登记", "qykb", 15, 0,
         "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》",
         "有经营能力的自然人；经营场所符合规定。",
         "个体工商户登记（备案）申请书|经营者身份证明|经营场所使用证明",
         summary="即来即办，当场发照"),
    Spec("scjgj", "industrial-product-licence", "重要工业产品生产许可证核发", "scjg", 20, 10,
         "《中华人民共和国工业产品生产许可证管理条例》第十一条",
         "有营业执照；有与所生产产品相适应的专业技术人员、生产条件和检验检疫手段。",
         f"工业产品生产许可证申请书|{LICENCE}|产品检验报告|生产场所及设备清单|质量管理制度文件"),
    Spec("scjgj", "special-equipment-registration", "特种设备使用登记", "scjg", 15, 3,
         "《中华人民共和国特种设备安全法》第三十三条",
         "特种设备在投入使用前或者投入使用后30日内办理。",
         f"特种设备使用登记表|{LICENCE}|产品合格证|监督检验证明|?安装改造修理告知书"),
    Spec("scjgj", "measuring-instrument-verification", "计量器具强制检定备案", "scjg", 10, 0,
         "《中华人民共和国计量法》第九条",
         "使用列入强制检定目录的工作计量器具。",
         f"强制检定计量器具备案表|{LICENCE}", online=True),
    # 税务
    Spec("swj-nsfw", "invoice-first-issue", "发票领用（首次）", "nsfw", 5, 0,
         "《中华人民共和国发票管理办法》第十五条",
         "已办理登记的纳税人，按规定领用发票。",
         f"发票领用申请表|经办人身份证明|{LICENCE}", summary="新办纳税人即时办结"),
    Spec("swj-nsfw", "tax-clearance-certificate", "开具清税证明", "nsfw", 20, 3,
         "《中华人民共和国税收征收管理法实施细则》第十五条",
         "纳税人已结清应纳税款、滞纳金、罚款，缴销发票。",
         "清税申报表|经办人身份证明|?发票缴销证明"),
    Spec("swj", "tax-payment-certificate", "开具税收完税证明", "nsfw", 5, 0,
         "《税收票证管理办法》第三十二条", "已缴纳税款的纳税人。", "纳税人身份证明"),
    # 不动产与自然资源
    Spec("zrzyj-bdc", "property-first-registration", "不动产首次登记", "zrzy", 30, 5,
         "《不动产登记暂行条例》第十四条、第二十条",
         "权利人已依法取得不动产权属来源材料。",
         f"不动产登记申请书|{ID}|权属来源证明材料|不动产界址、空间界限、面积等材料|?与他人利害关系的说明",
         fee=Fee("80.00", "住宅类每件80元；非住宅类每件550元", PROPERTY_FEE_BASIS)),
    Spec("zrzyj-bdc", "property-transfer-registration", "不动产转移登记", "zrzy", 30, 3,
         "《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》第二十七条",
         "买卖、互换、赠与、继承等导致不动产权利转移。",
         f"不动产登记申请书|{ID}|不动产权属证书|买卖合同或其他转移材料|完税凭证",
         fee=Fee("80.00", "住宅类每件80元；非住宅类每件550元", "发改价格规〔2016〕2559号")),
    Spec("zrzyj-bdc", "mortgage-registration", "不动产抵押登记", "zrzy", 30, 1,
         "《中华人民共和国民法典》第四百零二条；《不动产登记暂行条例实施细则》第六十五条",
         "以不动产设定抵押的，当事人共同申请。",
         f"不动产登记申请书|{ID}|不动产权属证书|主债权合同|抵押合同",
         fee=Fee("80.00", "住宅类每件80元；非住宅类每件550元", "发改价格规〔2016〕2559号")),
    Spec("zrzyj-bdc", "registration-record-query", "不动产登记资料查询", "zrzy", 5, 0,
         "《不动产登记资料查询暂行办法》第十四条",
         "权利人、利害关系人及有关国家机关可依法查询。", f"查询申请书|{ID}|?利害关系证明材料",
         summary="窗口即时出具查询结果"),
    Spec("zrzyj", "planning-permit-construction", "建设工程规划许可证核发", "gcjs", 20, 10,
         "《中华人民共和国城乡规划法》第四十条",
         "已取得土地使用权；建设工程设计方案符合控制性详细规划和规划条件。",
         f"建设工程规划许可申请表|{ID}|土地权属证明|建设工程设计方案|?人防、消防等专项意见"),
    Spec("zrzyj", "planning-permit-land", "建设用地规划许可证核发", "gcjs", 20, 7,
         "《中华人民共和国城乡规划法》第三十七条、第三十八条",
         "建设项目已经批准、核准或备案；有规划条件。",
         "建设用地规划许可申请表|项目批准、核准或备案文件|建设项目用地红线图|?国有土地使用权出让合同"),
    Spec("zrzyj", "site-selection-opinion", "建设项目用地预审与选址意见书", "gcjs", 20, 10,
         "《中华人民共和国土地管理法》第五十二条；《中华人民共和国城乡规划法》第三十六条",
         "需要申请核发选址意见书的划拨用地项目和需办理用地预审的项目。",
         "用地预审与选址申请表|项目建议书或可行性研究报告|标注项目用地范围的土地利用现状图"),
    Spec("zrzyj", "mining-licence", "采矿权新立登记", "zrzy", 40, 20,
         "《中华人民共和国矿产资源法》第三条；《矿产资源开采登记管理办法》第四条",
         "已取得划定矿区范围批复；矿产资源开发利用方案通过审查。",
         "采矿权申请登记书|划定矿区范围批复|矿产资源开发利用方案|环境影响评价文件批复|矿山地质环境保护与土地复垦方案"),
    # 住建
    Spec("zjj", "construction-permit", "建筑工程施工许可证核发", "gcjs", 7, 3,
         "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
         "已办理用地批准手续；已取得建设工程规划许可证；施工场地已具备施工条件；已确定施工企业。",
         "建筑工程施工许可申请表|建设工程规划许可证|施工合同|施工图设计文件审查合格书|建设资金落实承诺书",
         summary="工程建设项目审批制度改革：施工许可阶段"),
    Spec("zjj", "completion-acceptance-filing", "房屋建筑工程竣工验收备案", "gcjs", 15, 5,
         "《房屋建筑和市政基础设施工程竣工验收备案管理办法》第四条",
         "工程竣工验收合格之日起15日内备案。",
         "竣工验收备案表|工程竣工验收报告|规划、消防、环保等部门出具的认可文件|工程质量保修书"),
    Spec("zjj", "commercial-housing-presale", "商品房预售许可", "gcjs", 10, 5,
         "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》",
         "已交付全部土地使用权出让金；持有规划和施工许可证；投入开发资金达到工程总投资的25%以上。",
         "商品房预售许可申请表|营业执照和资质证书|土地使用权证|建设工程规划许可证|施工许可证|预售方案"),
    Spec("zjj", "fire-design-review", "特殊建设工程消防设计审查", "gcjs", 15, 10,
         "《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》",
         "属于特殊建设工程的，建设单位应当申请消防设计审查。",
         "消防设计审查申请表|消防设计文件|?特殊消防设计技术资料"),
    Spec("zjj-jzy", "construction-qualification", "建筑业企业资质核准", "gcjs", 20, 10,
         "《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》",
         "有符合规定的净资产、注册建造师及技术人员、技术装备和工程业绩。",
         f"建筑业企业资质申请表|{LICENCE}|技术负责人及注册人员证明材料|企业工程业绩材料"),
    Spec("zjj-jzy", "safety-production-licence", "建筑施工企业安全生产许可证核发", "gcjs", 45, 15,
         "《安全生产许可证条例》第二条；《建筑施工企业安全生产许可证管理规定》",
         "建立健全安全生产责任制；设置安全生产管理机构，配备专职安全生产管理人员。",
         f"安全生产许可证申请表|{LICENCE}|安全生产责任制及管理制度文件|三类人员安全生产考核合格证书"),
    # 发改
    Spec("fgw-tzc", "enterprise-project-approval", "企业投资项目核准", "gcjs", 20, 10,
         "《企业投资项目核准和备案管理条例》第三条、第九条",
         "属于《政府核准的投资项目目录》内的项目。",
         "项目申请报告|城乡规划和用地预审意见|?节能审查意见|?环境影响评价文件批复"),
    Spec("fgw-tzc", "enterprise-project-filing", "企业投资项目备案", "gcjs", 3, 0,
         "《企业投资项目核准和备案管理条例》第十三条",
         "不属于核准目录的企业投资项目。",
         "项目备案信息表|企业基本情况", summary="在线填报，即时备案"),
    Spec("fgw-tzc", "government-project-feasibility", "政府投资项目可行性研究报告审批", "gcjs", 20, 12,
         "《政府投资条例》第十一条",
         "项目建议书已批复；可行性研究报告经咨询评估。",
         "可行性研究报告审批申请|可行性研究报告|项目建议书批复|咨询评估报告"),
    Spec("fgw", "energy-review", "固定资产投资项目节能审查", "gcjs", 20, 10,
         "《固定资产投资项目节能审查办法》第五条",
         "年综合能源消费量1000吨标准煤以上的项目。",
         "节能审查申请|节能报告|项目核准或备案文件"),
    # 人社
    Spec("rsj-sbk", "social-insurance-registration", "社会保险参保登记", "shbz", 5, 0,
         "《中华人民共和国社会保险法》第五十七条、第五十八条",
         "用人单位自成立之日起30日内；职工自用工之日起30日内。",
         f"社会保险登记表|{LICENCE}|经办人身份证明", summary="企业开办“一件事”中同步办理"),
    Spec("rsj-sbk", "pension-claim", "基本养老保险待遇申领", "shbz", 20, 5,
         "《中华人民共和国社会保险法》第十六条",
         "达到法定退休年龄且累计缴费满15年。",
         f"养老保险待遇申领表|{ID}|?职工档案|?视同缴费年限认定材料"),
    Spec("rsj-sbk", "unemployment-benefit", "失业保险金申领", "shbz", 10, 3,
         "《中华人民共和国社会保险法》第四十五条；《失业保险条例》",
         "非因本人意愿中断就业，已办理失业登记，有求职要求；缴费满一年。",
         f"失业保险金申领登记表|{ID}|解除或终止劳动关系证明"),
    Spec("rsj", "labour-dispatch-licence", "劳务派遣经营许可", "shbz", 20, 10,
         "《中华人民共和国劳动合同法》第五十七条；《劳务派遣行政许可实施办法》",
         "注册资本不得少于人民币200万元；有与开展业务相适应的固定经营场所和设施。",
         f"劳务派遣经营许可申请书|{LICENCE}|验资报告|经营场所使用证明|劳务派遣管理制度"),
    Spec("rsj", "hr-service-licence", "人力资源服务许可", "shbz", 20, 7,
         "《人力资源市场暂行条例》第十八条",
         "有与开展职业中介活动相适应的场所、设施；有3名以上具备相应资质的专职工作人员。",
         f"人力资源服务许可申请表|{LICENCE}|工作人员资质证明|服务场所使用证明|工作制度"),
    Spec("rsj", "foreign-work-permit", "外国人来华工作许可", "shbz", 10, 5,
         "《中华人民共和国出境入境管理法》第四十一条；《外国人在中国就业管理规定》",
         "用人单位依法设立，外国人具有从事工作所必需的专业技能和相应工作经历。",
         "外国人来华工作许可申请表|工作资历证明|最高学位证书|无犯罪记录证明|体检证明|劳动合同"),
    # 医保、卫健
    Spec("ybj", "medical-reimbursement", "异地就医费用手工报销", "ylws", 30, 10,
         "《中华人民共和国社会保险法》第二十九条",
         "参保人员在异地就医未能直接结算。",
         f"医疗费用报销申请表|{ID}|医疗费用发票|费用明细清单|出院小结", online=True),
    Spec("ybj", "designated-institution", "医疗保障定点医药机构申请", "ylws", 30, 15,
         "《医疗机构医疗保障定点管理暂行办法》第八条",
         "正式运营至少3个月；至少有1名取得医师执业证书的医师。",
         "定点医药机构申请表|医疗机构执业许可证或药品经营许可证|医保专(兼)职管理人员名单|信息系统建设情况"),
    Spec("wjw", "physician-registration", "医师执业注册", "ylws", 20, 5,
         "《中华人民共和国医师法》第十三条；《医师执业注册管理办法》",
         "取得医师资格，经拟执业医疗机构同意。",
         f"医师执业注册申请审核表|{ID}|医师资格证书|拟执业机构同意聘用的证明|近6个月体检证明"),
    Spec("wjw", "nurse-registration", "护士执业注册", "ylws", 20, 5,
         "《护士条例》第七条；《护士执业注册管理办法》",
         "取得护士执业资格考试合格证明；符合健康标准。",
         f"护士执业注册申请审核表|{ID}|学历证书及专业学习中的临床实习证明|考试成绩合格证明|体检证明"),
    Spec("wjw", "medical-institution-licence", "医疗机构执业登记", "ylws", 45, 20,
         "《医疗机构管理条例》第十五条、第十六条",
         "按照设置审批批准的内容建成；有相应的医务人员、设施和规章制度。",
         "医疗机构执业登记申请书|设置批准书或备案回执|场所产权或使用证明|医务人员执业证书|规章制度"),
    Spec("wjw", "public-health-licence", "公共场所卫生许可", "ylws", 20, 5,
         "《公共场所卫生管理条例》第八条",
         "宾馆、美容美发、游泳场所等公共场所，卫生条件符合国家标准。",
         f"公共场所卫生许可申请表|{LICENCE}|卫生管理制度|从业人员健康合格证明|?检测报告"),
    Spec("wjw", "birth-medical-certificate", "出生医学证明首次签发", "ylws", 5, 0,
         "《中华人民共和国母婴保健法》第二十三条",
         "在本市助产机构出生的新生儿。", "出生医学证明首次签发登记表|父母身份证明|出生信息表",
         summary="医院出生即办"),
    # 交通
    Spec("jtj", "road-transport-licence", "道路货物运输经营许可", "jtcx", 20, 5,
         "《中华人民共和国道路运输条例》第二十一条、第二十四条",
         "有与其经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；有健全的安全生产管理制度。",
         f"道路货物运输经营申请表|{ID}|机动车辆行驶证|驾驶人员从业资格证|安全生产管理制度文本"),
    Spec("jtj", "passenger-transport-licence", "道路旅客运输经营许可", "jtcx", 20, 10,
         "《中华人民共和国道路运输条例》第八条、第十条",
         "有与经营业务相适应并经检测合格的客车；有符合条件的驾驶人员；有健全的安全生产管理制度。",
         "道路旅客运输经营申请表|企业章程|车辆情况说明|驾驶人员从业资格证|安全生产管理制度文本"),
    Spec("jtj", "vehicle-transport-certificate", "道路运输证配发", "jtcx", 10, 0,
         "《道路运输车辆技术管理规定》；《中华人民共和国道路运输条例》",
         "已取得道路运输经营许可，车辆技术条件合格。",
         "车辆配发道路运输证申请|机动车行驶证|车辆技术等级评定报告"),
    Spec("jtj", "road-occupation-permit", "占用、挖掘公路许可", "jtcx", 20, 5,
         "《中华人民共和国公路法》第四十四条；《公路安全保护条例》第二十七条",
         "因修建铁路、机场、电站等需要占用、挖掘公路的。",
         "占用挖掘公路申请书|设计和施工方案|保障公路、公路附属设施质量和安全的技术评价报告|处置施工险情和意外事故的应急预案"),
    Spec("jtj", "oversize-vehicle-permit", "超限运输车辆行驶公路许可", "jtcx", 15, 5,
         "《中华人民共和国公路法》第五十条；《超限运输车辆行驶公路管理规定》",
         "车辆载运不可解体物品。",
         "超限运输申请表|车辆行驶证|道路运输证|货物照片|?护送方案"),
    # 生态环境
    Spec("sthjj", "pollutant-discharge-permit", "排污许可证核发", "sthj", 20, 10,
         "《排污许可管理条例》第二条、第十一条",
         "依法取得建设项目环境影响评价文件审批意见，或者按规定完成备案；污染物排放符合标准。",
         "排污许可证申请表|自行监测方案|守法承诺书|?排污口和监测孔规范化设置情况说明"),
    Spec("sthjj", "eia-report-approval", "建设项目环境影响报告书审批", "sthj", 60, 20,
         "《中华人民共和国环境影响评价法》第二十二条",
         "可能造成重大环境影响的建设项目。",
         "环境影响报告书审批申请|环境影响报告书|公众参与说明|?专家评审意见"),
    Spec("sthjj", "eia-form-approval", "建设项目环境影响报告表审批", "sthj", 30, 10,
         "《中华人民共和国环境影响评价法》第二十二条",
         "可能造成轻度环境影响的建设项目。", "环境影响报告表审批申请|环境影响报告表"),
    Spec("sthjj", "hazardous-waste-licence", "危险废物经营许可证核发", "sthj", 20, 15,
         "《中华人民共和国固体废物污染环境防治法》第八十条；《危险废物经营许可证管理办法》",
         "有相应的专业技术人员、运输工具、包装工具、贮存设施和处置设施。",
         f"危险废物经营许可申请书|{LICENCE}|专业技术人员证明|设施设备清单|事故应急预案"),
    # 公安出入境
    Spec("gaj-crj", "passport-first", "普通护照签发", "crj", 7, 5,
         "《中华人民共和国护照法》第五条、第六条",
         "中国公民因前往外国定居、探亲、学习、就业、旅行、从事商务活动等非公务原因出国。",
         "中国公民出入境证件申请表|居民身份证|近期免冠彩色照片|?国家工作人员出境审批意见",
         fee=Fee("120.00", "每本120元", PASSPORT_FEE_BASIS)),
    Spec("gaj-crj", "hk-macao-permit", "往来港澳通行证及签注签发", "crj", 7, 5,
         "《中国公民因私事往来香港地区或者澳门地区的暂行管理办法》",
         "内地居民因私往来香港或者澳门。",
         "中国公民出入境证件申请表|居民身份证|近期免冠彩色照片",
         fee=Fee("60.00", "通行证每证60元；一次有效签注每件15元", "发改价格〔2019〕914号")),
    Spec("gaj-crj", "taiwan-permit", "往来台湾通行证及签注签发", "crj", 10, 5,
         "《中国公民往来台湾地区管理办法》",
         "大陆居民因私往来台湾地区。", "中国公民出入境证件申请表|居民身份证|近期免冠彩色照片",
         fee=Fee("60.00", "通行证每证60元；一次有效签注每件15元", "发改价格〔2019〕914号")),
    Spec("gaj-crj", "foreigner-residence-permit", "外国人居留许可签发", "crj", 15, 7,
         "《中华人民共和国出境入境管理法》第三十条",
         "外国人所持签证注明入境后需要办理居留证件的。",
         "外国人签证证件申请表|护照|照片|?工作许可|?住宿登记证明",
         fee=Fee("400.00", "一年期400元；一年以上至三年期800元", RESIDENCE_FEE_BASIS)),
    # 民政、教育、商务、财政
    Spec("mzj", "marriage-registration", "内地居民婚姻登记", "shsw", 1, 0,
         "《中华人民共和国民法典》第一千零四十九条；《婚姻登记条例》",
         "男女双方自愿，达到法定婚龄，无禁止结婚情形。",
         "双方户口簿|双方居民身份证|双方近期半身免冠合影照片", online=False,
         summary="当场登记，当场颁证"),
    Spec("mzj", "social-organisation-registration", "社会团体成立登记", "shsw", 60, 20,
         "《社会团体登记管理条例》第九条、第十二条",
         "有50个以上的个人会员或者30个以上的单位会员；有规范的名称和相应的组织机构。",
         "成立登记申请书|业务主管单位批准文件|验资报告|住所使用权证明|章程草案|负责人基本情况"),
    Spec("mzj", "minimum-living-allowance", "最低生活保障审核确认", "shsw", 30, 15,
         "《社会救助暂行办法》第十一条",
         "共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合财产状况规定。",
         f"最低生活保障申请书|{ID}|户口簿|家庭收入及财产状况说明|?残疾证"),
    Spec("jyj", "private-school-licence", "民办学校办学许可", "jyky", 90, 30,
         "《中华人民共和国民办教育促进法》第十二条、第十八条",
         "有与办学规模相适应的校舍、设施和资金；有合格的教师和管理人员。",
         "筹设批准书|筹设情况报告|学校章程及首届理事会名单|办学资产证明|校长及教师资格证明"),
    Spec("jyj", "teacher-certification", "教师资格认定", "jyky", 30, 10,
         "《中华人民共和国教师法》第十条；《教师资格条例》",
         "具备规定学历，普通话水平达标，教育教学能力及思想品德合格。",
         f"教师资格认定申请表|{ID}|学历证书|普通话水平测试等级证书|体检合格证明"),
    Spec("swuj", "foreign-trade-filing", "对外贸易经营者备案登记", "qykb", 5, 1,
         "《中华人民共和国对外贸易法》第九条",
         "依法办理工商登记或者其他执业手续的单位和个人。",
         f"对外贸易经营者备案登记表|{LICENCE}"),
    Spec("swuj", "oil-retail-licence", "成品油零售经营资格审批", "scjg", 20, 15,
         "《成品油市场管理办法》第十条",
         "符合本地区成品油零售网点规划；有符合国家标准的加油站。",
         "申请文件|加油站规划确认文件|规划、消防、安全、环保验收文件|营业执照"),
    Spec("czj", "accounting-agency-approval", "代理记账机构设立审批", "qykb", 10, 5,
         "《中华人民共和国会计法》第三十六条；《代理记账管理办法》第三条",
         "为依法设立的企业；专职从业人员不少于3名；主管代理记账业务的负责人具有会计师以上专业技术职务资格。",
         f"代理记账资格申请表|{LICENCE}|专职从业人员身份证明及会计资格证明|代理记账业务内部规范"),
    Spec("zwzx", "enterprise-startup-one-thing", "企业开办“一件事”", "qykb", 15, 1,
         "《优化营商环境条例》第十九条",
         "新设立的企业，一次申请同时办理登记、印章刻制、发票和税控设备申领、社保和公积金登记。",
         "企业开办一件事申请表|公司章程|股东及法定代表人身份证明|住所使用相关文件",
         summary="一窗受理，一日办结，免费刻制印章"),
)
# fmt: on


def step_limits(promised: int) -> list[tuple[str, int]]:
    """Split the promised limit over the four steps: a day for acceptance and delivery, the rest for review and
    decision (about two thirds to the review)."""
    if promised <= 0:
        return [(code, 0) for code in StepCode.values]
    if promised == 1:
        return [("accept", 0), ("review", 1), ("decide", 0), ("deliver", 0)]
    if promised == 2:
        return [("accept", 0), ("review", 1), ("decide", 1), ("deliver", 0)]
    accept, deliver = 1, 1 if promised >= 4 else 0
    rest = promised - accept - deliver
    decide = max(1, rest // 3)
    return [("accept", accept), ("review", rest - decide), ("decide", decide), ("deliver", deliver)]


def _materials(spec: Spec) -> list[tuple[str, bool]]:
    rows = []
    for name in spec.materials.split("|"):
        optional = name.startswith("?")
        rows.append((name.lstrip("?"), not optional))
    return rows


def _item_values(spec: Spec, departments: dict[str, Department], topics: dict[str, Topic]) -> dict:
    window = departments.get(WINDOW_OF.get(spec.department, DEFAULT_WINDOW))
    fee = spec.fee
    return {
        "department": departments[spec.department],
        "name": spec.name,
        "topic": topics[spec.topic],
        "kind": ItemKind.INSTANT if spec.promised == 0 else ItemKind.PROMISED,
        "summary": spec.summary,
        "legal_basis": spec.legal_basis,
        "procedure": PROCEDURE,
        "conditions": spec.conditions,
        "fee_basis": fee.basis if fee else "",
        "fee_standard": fee.standard if fee else "不收费",
        "fee_amount": Decimal(fee.amount) if fee else Decimal("0.00"),
        "statutory_limit_days": spec.statutory,
        "promised_limit_days": spec.promised,
        "complaint_channel": COMPLAINTS,
        "window_address": f"{window.name}（{window.address}）" if window and window.address else "",
        "online": spec.online,
        "is_published": True,
    }


@transaction.atomic
def load(stdout: TextIO) -> None:
    topics = {}
    for order, (code, name) in enumerate(TOPICS):
        topics[code], _ = Topic.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order})
    wanted = {spec.department for spec in ITEMS} | set(WINDOW_OF.values()) | {DEFAULT_WINDOW}
    departments = {d.code: d for d in Department.objects.filter(code__in=wanted)}
    created = skipped = 0
    for spec in ITEMS:
        if spec.department not in departments:
            skipped += 1  # the organisation demo was not loaded
            continue
        values = _item_values(spec, departments, topics)
        limits = step_limits(spec.promised)
        validate_item_values(values, steps_total=sum(days for _, days in limits))
        item, was_created = Item.objects.update_or_create(code=spec.code, defaults=values)
        created += was_created
        for order, (name, required) in enumerate(_materials(spec)):
            ItemMaterial.objects.update_or_create(
                item=item, name=name, defaults={"required": required, "sort_order": order}
            )
        for order, (code, days) in enumerate(limits):
            ItemStep.objects.update_or_create(
                item=item,
                code=code,
                defaults={"name": STEP_NAMES[code], "limit_days": days, "sort_order": order},
            )
    # The rows above were written directly, so the search index is rebuilt once at the end.
    rebuild_search_index()
    ensure_default_synonyms()
    stdout.write(
        f"Approvals catalogue: {len(topics)} topics, {len(ITEMS) - skipped} items ({created} new)"
        + (f", {skipped} skipped for missing departments" if skipped else "")
        + "\n"
    )
